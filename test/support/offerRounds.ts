/**
 * Offer workflows driven in the time-skipping environment (`startTimeSkipping`), on the real
 * activities and Postgres: a provider with waitlisted patients, a freed slot of theirs logged as staff
 * log one with its offer workflow started, the texts that reached a patient, and a file's environment
 * texting through Twilio's REST API stand-in.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import { createCancellation, offerWorkflowInput } from '../../src/waitlist/cancellations.js';
import { addWaitlistEntry } from '../../src/waitlist/waitlistEntries.js';
import { CANCELLATION_OFFER_WORKFLOW_TYPE } from '../../src/workflows/offerDefinitions.js';
import { fictionalNumber } from './clinic.js';
import { startFakeTwilioApi, type FakeTwilioApi } from './fakeTwilioApi.js';
import { startTimeSkipping, type TimeSkipping } from './timeSkipping.js';

const MINUTE = 60_000;

/** A new provider with `count` waitlisted patients, best first (manual boosts 30, 20, …); their phones and the provider's id. */
export async function providerWithWaitlist(ts: TimeSkipping, count: number): Promise<{ providerId: number; phones: string[] }> {
  const [provider] = await ts.sql<{ id: number }[]>`
    insert into providers (clinic_id, name, type) values (${ts.clinic.id}, ${`Dr ${crypto.randomUUID().slice(0, 8)}`}, 'APP') returning id`;
  const phones: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = fictionalNumber('312');
    await addWaitlistEntry(ts.sql, ts.clinic.id, {
      phone,
      providerIds: [provider!.id],
      providerType: 'Any',
      currentApptAt: null,
      urgent: false,
      manualBoost: 30 - i * 10,
      notes: null,
    });
    phones.push(phone);
  }
  return { providerId: provider!.id, phones };
}

/**
 * Logs provider `providerId`'s 30-minute slot `hoursAhead` from the workflow clock, as staff do, and
 * starts its offer workflow: three offers at once, each held `holdMinutes`, at most one a day per
 * patient, at any hour. `beforeStart` runs between the two, as `logCancellation` runs them.
 */
export async function startOfferRound(
  ts: TimeSkipping,
  {
    providerId,
    hoursAhead,
    holdMinutes,
    beforeStart,
  }: { providerId: number; hoursAhead: number; holdMinutes: number; beforeStart?: (cancellationId: string) => Promise<void> },
): Promise<{ id: string; handle: WorkflowHandle }> {
  const start = new Date((await ts.env.currentTimeMs()) + hoursAhead * 60 * MINUTE);
  const cancellation = await createCancellation(ts.sql, ts.clinic, {
    providerId,
    location: 'Main St clinic',
    slotStartAt: start,
    slotEndAt: new Date(start.getTime() + 30 * MINUTE),
    reason: null,
    createdBy: 'staff',
  });
  const input = await offerWorkflowInput(ts.sql, ts.clinic, cancellation);
  await beforeStart?.(cancellation.id);
  const handle = await ts.temporal.workflow.start(CANCELLATION_OFFER_WORKFLOW_TYPE, {
    workflowId: cancellation.workflowId,
    taskQueue: ts.taskQueue,
    args: [{ ...input, settings: { ...input.settings, contactHours: { start: '00:00', end: '23:59' }, batchSize: 3, holdMinutes, maxOffersPerDay: 1 } }],
  });
  return { id: cancellation.id, handle };
}

/** What reached `phone`: the bodies of the texts Twilio took (it answered with a MessageSid), in order. */
export async function takenTextsTo(ts: TimeSkipping, phone: string): Promise<string[]> {
  const rows = await ts.sql<{ body: string }[]>`
    select body from messages where phone = ${phone} and direction = 'outbound' and provider_sid is not null order by id`;
  return rows.map((m) => m.body);
}

/** What `offersThroughTwilioApi` gives a test file; each getter throws outside a test (before `beforeAll`). */
export interface OffersThroughTwilioApi {
  ts: TimeSkipping;
  twilioApi: FakeTwilioApi;
}

/**
 * Registers, for the calling test file, Twilio's REST API stand-in (`startFakeTwilioApi`, whose answers
 * a test sets per number: throttled, failed, lost) and a time-skipping environment texting through it,
 * started in `beforeAll` and stopped in `afterAll`.
 */
export function offersThroughTwilioApi(): OffersThroughTwilioApi {
  let running: OffersThroughTwilioApi | undefined;
  beforeAll(async () => {
    const twilioApi = await startFakeTwilioApi();
    running = { twilioApi, ts: await startTimeSkipping({ sender: twilioApi.sender() }) };
  });
  afterAll(async () => {
    await running?.ts.stop();
    await running?.twilioApi.close();
  });
  const started = () => {
    if (running === undefined) throw new Error('offersThroughTwilioApi: its stand-in and environment start in beforeAll; read them inside a test');
    return running;
  };
  return {
    get ts() {
      return started().ts;
    },
    get twilioApi() {
      return started().twilioApi;
    },
  };
}

/** Each offer of cancellation `id` as `[phone, state]`, in the order they were made. */
export const offerPhonesAndStates = async (ts: TimeSkipping, id: string): Promise<string[][]> =>
  (await ts.sql<{ phone: string; state: string }[]>`select phone, state from offers where cancellation_id = ${id} order by id`).map((o) => [o.phone, o.state]);
