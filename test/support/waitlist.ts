/**
 * The waitlist set up the way staff set it up, through the JSON API of a test stack: a provider,
 * patients on its waitlist, and a cancellation of one of its slots (which starts the offer workflow).
 */
import { expect } from 'vitest';
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
