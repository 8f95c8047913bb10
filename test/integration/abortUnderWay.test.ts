/**
 * Staff abort a freed slot whose offer workflow is busy with a round of offers (the real stack, texting
 * through Twilio's REST API stand-in): the workflow takes the abort only after the 5 s staff wait, so
 * the API answers 202, the abort recorded and under way, instead of a 503 that said it failed. The
 * abort then lands, once, and nobody is texted; a retry with the same Idempotency-Key answers the done
 * abort. An abort recorded but never taken (Temporal lost it, the API stopped) is sent again by the
 * sweep; one nothing can take (its workflow is gone) is dropped.
 */
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { ABORT_UNDER_WAY } from '../../src/api/cancellations.js';
import { deliverRequestedAborts, recordAbortRequest } from '../../src/waitlist/abortRequests.js';
import { json, type Stack } from '../support/stack.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';
import { addProvider, busyOfferWorkflow, logCancellation, waitlistPatient } from '../support/waitlist.js';

const suite = twilioStackSuite();
const log = pino({ level: 'silent' });
beforeAll(async () => {
  // Offers go at any hour, so the workflow's first round runs at once.
  const settings = await suite.stack.api('/api/clinic', {
    method: 'PATCH',
    body: JSON.stringify({ contact_hours_start: '00:00', contact_hours_end: '23:59' }),
  });
  expect(settings.status).toBe(200);
});

const WITHDRAWN = /^Test Clinic: the .* opening is no longer available\. We'll keep you on the list\.$/;
const cancellation = async (stack: Stack, id: string) => json(await stack.api(`/api/cancellations/${id}`));
/** The bodies of the texts Twilio took for `phone`, in order. */
const textsTo = async (stack: Stack, phone: string) =>
  (
    await stack.sql<{ body: string }[]>`select body from messages where phone = ${phone} and direction = 'outbound' and provider_sid is not null order by id`
  ).map((m) => m.body);
/** How many updates workflow `workflowId` has taken (its history's accepted updates). */
const updatesAccepted = async (stack: Stack, workflowId: string) =>
  ((await stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes != null)
    .length;
const abort = (stack: Stack, id: string, key?: string) =>
  stack.api(`/api/cancellations/${id}/abort`, { method: 'POST', ...(key === undefined ? {} : { headers: { 'Idempotency-Key': key } }) });

describe('an abort the offer workflow is too busy to take within 5 s', () => {
  it('answers 202 under way, lands once with nobody texted, and a retry with the same key answers it done', { timeout: 120_000 }, async () => {
    const { stack, twilioApi } = suite;
    const providerId = await addProvider(stack, 'Dr Busy');
    const phones = [await waitlistPatient(stack, providerId), await waitlistPatient(stack, providerId)];
    const { cancellation: busy, release } = await busyOfferWorkflow(stack, providerId);
    const key = crypto.randomUUID();
    try {
      const started = Date.now();
      const underWay = await abort(stack, busy.id, key);
      expect(underWay.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await json(underWay)).toMatchObject({ id: busy.id, status: 'open', abort_requested_at: expect.any(String), message: ABORT_UNDER_WAY });
      // The workflow takes it when the round's workflow task hands in (at 8 s), the round still waiting;
      // the same request again, with its key, joins that one update and answers it done.
      await expect.poll(() => updatesAccepted(stack, busy.workflowId), { timeout: 20_000 }).toBe(1);
      const repeated = await abort(stack, busy.id, key);
      expect(repeated.status).toBe(200);
      expect(await json(repeated)).toMatchObject({ id: busy.id, status: 'aborted' });
    } finally {
      await release();
    }

    // The workflow takes it once its round hands in: the round ends with it, nobody texted.
    await expect.poll(async () => (await cancellation(stack, busy.id)).status, { timeout: 30_000 }).toBe('aborted');
    const ended = await cancellation(stack, busy.id);
    expect(ended.offers.map((o: { state: string }) => o.state)).toEqual(['canceled', 'canceled']);
    for (const phone of phones) {
      expect(await textsTo(stack, phone)).toEqual([]);
      expect(twilioApi.requestsTo(phone)).toEqual([]);
    }

    // Once it has ended, a retry with the same key answers the abort done; without it, the cancellation is no longer open.
    const retried = await abort(stack, busy.id, key);
    expect(retried.status).toBe(200);
    expect(await json(retried)).toMatchObject({ id: busy.id, status: 'aborted' });
    expect((await abort(stack, busy.id)).status).toBe(409);
    // The same key for another cancellation's abort is refused, nothing done.
    const other = await logCancellation(stack, providerId, 30);
    const reused = await abort(stack, other.id, key);
    expect(reused.status).toBe(422);
    expect((await json(reused)).error).toMatchObject({ field: 'idempotency-key' });
    expect((await cancellation(stack, other.id)).status).toBe('open');
    expect((await abort(stack, other.id)).status).toBe(200);

    // One abort reached the workflow, whatever the repeats.
    expect(await updatesAccepted(stack, busy.workflowId)).toBe(1);
  });
});

describe('a recorded abort its workflow has not taken', () => {
  it('is sent again by the sweep, and one whose workflow is gone is dropped', { timeout: 90_000 }, async () => {
    const { stack } = suite;
    const providerId = await addProvider(stack, 'Dr Sweep');
    const phone = await waitlistPatient(stack, providerId);
    const lost = await logCancellation(stack, providerId, 40);
    await expect.poll(async () => (await textsTo(stack, phone)).length, { timeout: 20_000 }).toBe(1);
    // Recorded by an API process that stopped before Temporal had it, a minute ago.
    expect(await recordAbortRequest(stack.sql, lost.id, 'staff')).toBe('staff');
    await stack.sql`update cancellation_abort_requests set requested_at = now() - interval '1 minute' where cancellation_id = ${lost.id}`;

    expect(await deliverRequestedAborts({ sql: stack.sql, temporal: stack.temporal, log })).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await cancellation(stack, lost.id)).status, { timeout: 20_000 }).toBe('aborted');
    await expect.poll(async () => (await textsTo(stack, phone)).at(-1), { timeout: 20_000 }).toMatch(WITHDRAWN);

    // Ops terminated the next slot's workflow before its recorded abort was sent: nothing can take it,
    // so it is dropped, and the card no longer says it is under way.
    const gone = await logCancellation(stack, providerId, 41);
    await stack.temporal.workflow.getHandle(gone.workflow_id).terminate('test: ops ended it by hand');
    expect(await recordAbortRequest(stack.sql, gone.id, 'staff')).toBe('staff');
    await stack.sql`update cancellation_abort_requests set requested_at = now() - interval '1 minute' where cancellation_id = ${gone.id}`;
    expect(await deliverRequestedAborts({ sql: stack.sql, temporal: stack.temporal, log })).toBe(0);
    expect(await cancellation(stack, gone.id)).toMatchObject({ status: 'open', abort_requested_at: null });
    const refused = await abort(stack, gone.id);
    expect(refused.status).toBe(409);
    expect((await json(refused)).error).toMatchObject({ field: 'status', message: `cancellation ${gone.id} has ended` });
  });
});
