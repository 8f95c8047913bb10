/**
 * The waitlist set up the way staff set it up, through the JSON API of a test stack: a provider,
 * patients on its waitlist, and a cancellation of one of its slots (which starts the offer workflow);
 * and an offer workflow kept busy with its first round.
 */
import { expect } from 'vitest';
import { createCancellation, type Cancellation } from '../../src/waitlist/cancellations.js';
import { startOfferWorkflow } from '../../src/waitlist/offerWorkflows.js';
import { json, patientPhone, type Stack } from './stack.js';

/** Adds provider `name` (`POST /api/providers`, type MD/DO); expects a 201. @returns its id. */
export async function addProvider(stack: Stack, name: string): Promise<number> {
  const response = await stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name, type: 'MD/DO' }) });
  expect(response.status).toBe(201);
  return (await json(response)).id as number;
}

/** Puts a new patient on `providerId`'s waitlist (`POST /api/waitlist`, with `entry`'s other fields); expects a 201. @returns their phone (E.164). */
export async function waitlistPatient(stack: Stack, providerId: number, entry: Record<string, unknown> = {}): Promise<string> {
  const phone = patientPhone();
  const response = await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone, provider_ids: [providerId], ...entry }) });
  expect(response.status).toBe(201);
  return phone;
}

/**
 * Logs a cancellation of `providerId`'s 30-minute slot `startsInHours` from now at Main St clinic
 * (`POST /api/cancellations`); expects a 201 and an open cancellation with its offer workflow.
 * @returns the cancellation's `id` and `workflow_id`.
 */
export async function logCancellation(stack: Stack, providerId: number, startsInHours = 26): Promise<{ id: string; workflow_id: string }> {
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  const response = await stack.api('/api/cancellations', {
    method: 'POST',
    body: JSON.stringify({
      provider_id: providerId,
      location: 'Main St clinic',
      slot_start_at: inHours(startsInHours),
      slot_end_at: inHours(startsInHours + 0.5),
    }),
  });
  expect(response.status).toBe(201);
  const body = await json(response);
  expect(body).toMatchObject({ status: 'open', workflow_id: `cancellation-${stack.clinic.slug}-${body.id}` });
  return body as { id: string; workflow_id: string };
}

/**
 * Logs a cancellation of `providerId`'s slot 26 h ahead (as staff do: `createCancellation`) and starts
 * its offer workflow while a transaction holds the cancellation's row, so the workflow's first round
 * (`makeOffers`, a local activity) waits on it, as under a slow Postgres: the workflow is busy and
 * takes an update only when its workflow task hands in, at 8 s. Resolves once the round waits.
 * @returns the cancellation, and `release` to let the round go on (it resolves when the transaction has ended).
 */
export async function busyOfferWorkflow(stack: Stack, providerId: number): Promise<{ cancellation: Cancellation; release: () => Promise<void> }> {
  const start = new Date(Date.now() + 26 * 3_600_000);
  const cancellation = await createCancellation(stack.sql, stack.clinic, {
    providerId,
    location: 'Main St clinic',
    slotStartAt: start,
    slotEndAt: new Date(start.getTime() + 1_800_000),
    reason: null,
    createdBy: 'staff',
  });
  let letGo!: () => void;
  const released = new Promise<void>((resolve) => (letGo = resolve));
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const holding = stack.sql.begin(async (tx) => {
    await tx`select 1 from cancellation_events where id = ${cancellation.id} for update`;
    locked();
    await released;
  });
  await held;
  await startOfferWorkflow({ sql: stack.sql, temporal: stack.temporal, taskQueue: stack.taskQueue }, stack.clinic, cancellation);
  await expect
    .poll(
      async () =>
        (await stack.sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%from cancellation_events%for update%'`).length,
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  return {
    cancellation,
    release: async () => {
      letGo();
      await holding;
    },
  };
}
