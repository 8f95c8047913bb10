/**
 * An idempotency key names one request (IETF draft-ietf-httpapi-idempotency-key-header): sent again
 * with the same request it answers the first outcome; sent again with another request (other values,
 * another appointment) it is refused with 422 naming `idempotency-key` and nothing changes, where
 * before the second request silently answered the first one's outcome. The same holds for the
 * Appointments page's kept form key. (The retention purge forgets keys: test/retention.)
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { json, startStack, type Stack } from '../support/stack.js';
import { postForm, staffCookie } from '../support/staffForms.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const move = (id: string, key: string, startsAt: string) =>
  stack.api(`/api/appointments/${id}`, { method: 'PATCH', headers: { 'Idempotency-Key': key }, body: JSON.stringify({ starts_at: startsAt }) });
const startOf = async (id: string) => (await json(await stack.api(`/api/appointments/${id}`))).starts_at as string;
/** Whole minutes from now, as an instant. */
const inDays = (days: number) => DateTime.now().plus({ days }).set({ second: 0, millisecond: 0 });

describe('the JSON API', () => {
  it('answers a key sent again with the same request with the first outcome, whatever offset the time is written in', async () => {
    const { id } = await bookThroughApi(stack, { days: 3 });
    const key = randomUUID();
    const to = inDays(4);
    const first = await move(id, key, to.toUTC().toISO());
    expect(first.status).toBe(200);
    const again = await move(id, key, to.setZone('Asia/Kolkata').toISO()!);
    expect(again.status).toBe(200);
    expect((await json(again)).starts_at).toBe(to.toUTC().toISO());
  });

  it('refuses a key sent again with other values or for another appointment with 422 naming it, changing nothing', async () => {
    const { id } = await bookThroughApi(stack, { days: 3 });
    const other = await bookThroughApi(stack, { days: 3 });
    const otherStart = await startOf(other.id);
    const key = randomUUID();
    const to = inDays(5);
    expect((await move(id, key, to.toISO())).status).toBe(200);

    const otherTime = await move(id, key, to.plus({ hours: 1 }).toISO());
    expect(otherTime.status).toBe(422);
    expect(await json(otherTime)).toEqual({
      error: { code: 'unprocessable_content', field: 'idempotency-key', message: expect.stringMatching(/^idempotency-key: was already used for another move/) },
    });
    expect(await startOf(id)).toBe(to.toUTC().toISO());

    const otherAppointment = await move(other.id, key, to.toISO());
    expect(otherAppointment.status).toBe(422);
    expect((await json(otherAppointment)).error.field).toBe('idempotency-key');
    expect(await startOf(other.id)).toBe(otherStart);

    // A key names a request of one change: the same key for another change is that change's own.
    expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST', headers: { 'Idempotency-Key': key } })).status).toBe(200);
  });
});

describe('the Appointments page', () => {
  it('refuses its kept form key sent again with another time, leaving the appointment where the first move put it', async () => {
    const { id, day } = await bookThroughApi(stack, { days: 3 });
    const cookie = await staffCookie(stack);
    const actionPath = `/admin/appointments/${id}/move?${new URLSearchParams({ clinic: stack.clinic.slug, date: day }).toString()}`;
    const local = (at: DateTime) => at.setZone(stack.clinic.timezone).toFormat("yyyy-MM-dd'T'HH:mm");
    const key = randomUUID();
    const to = inDays(6);

    const first = await postForm(stack, actionPath, cookie, { idempotency_key: key, starts_at: local(to) });
    expect(new URL(first.headers.get('location')!, 'http://localhost').searchParams.get('notice')).toMatch(/^Moved/);
    const again = await postForm(stack, actionPath, cookie, { idempotency_key: key, starts_at: local(to.plus({ hours: 2 })) });
    expect(again.status).toBe(303);
    const back = new URL(again.headers.get('location')!, 'http://localhost').searchParams;
    expect(back.get('error')).toMatch(/^Not done: this form had already sent this change with other values/);
    expect(back.get('retry')).toBeNull();
    expect(await startOf(id)).toBe(to.toUTC().toISO());
  });
});
