/**
 * A provider staff have made inactive (`PATCH /api/providers/{id}` with `active: false`) takes no new
 * work through the JSON API: a booking, a waitlist entry newly preferring them, or a freed slot logged
 * by staff is a 400 naming the field, with nothing written. What already refers to them keeps working:
 * an entry keeps them among its preferred providers through a change, and their booked appointment can
 * still be cancelled. A provider who no longer works at the clinic has no time to give: the cancelled
 * appointment's slot is offered to no one on the waitlist, and a patient asking for another time gets
 * none of theirs (the apology that asks them to call), even from a list sent before; their slots
 * already being offered are aborted, each patient holding an offer told, also a patient whose YES won the
 * slot while the provider was being made inactive (the booking, after it, is withdrawn).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiBookingBody, bookThroughApi, outboundTexts } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const send = (method: string, path: string, body: unknown) => stack.api(path, { method, body: JSON.stringify(body) });
const retire = async (id: number) => expect((await send('PATCH', `/api/providers/${id}`, { active: false })).status).toBe(200);
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const countOf = async (table: 'appointments' | 'waitlist_entries' | 'cancellation_events') =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from ${stack.sql(table)} where clinic_id = ${stack.clinic.id}`)[0]!.n;

const textsTo = (phone: string) => outboundTexts(stack, phone);

/** How many runs of activity `type` the workflow's history shows completed. */
async function stepsDone(workflowId: string, type: string): Promise<number> {
  const events = (await stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type).map((e) => String(e.eventId)));
  return events.filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length;
}

/** Resolves once a statement of this test's database matching `pattern` (a POSIX regular expression) waits on a lock. */
const waitingOnLock = (pattern: string) =>
  vi.waitFor(
    async () => {
      const rows = await stack.sql`
        select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ~ ${pattern}`;
      expect(rows).not.toHaveLength(0);
    },
    { timeout: 15_000, interval: 20 },
  );

/** A new provider, made inactive at once. */
async function retiredProvider(name: string): Promise<number> {
  const id = await addProvider(stack, `${name} ${Date.now()}`);
  await retire(id);
  return id;
}

describe('booking an appointment', () => {
  it('refuses an inactive provider by id with 400 naming provider_id, and by name naming provider, booking nothing', async () => {
    const id = await retiredProvider('Dr Gone');
    const name = ((await json(await stack.api('/api/providers'))).providers as { id: number; name: string }[]).find((p) => p.id === id)!.name;
    const before = await countOf('appointments');
    const { provider: _, ...body } = apiBookingBody().body;

    const byId = await send('POST', '/api/appointments', { ...body, provider_id: id });
    expect(byId.status).toBe(400);
    expect((await json(byId)).error).toEqual({ code: 'bad_request', field: 'provider_id', message: expect.stringMatching(/^provider_id: .* is inactive/) });

    const byName = await send('POST', '/api/appointments', { ...body, provider: name.toUpperCase() });
    expect(byName.status).toBe(400);
    expect((await json(byName)).error).toEqual({ code: 'bad_request', field: 'provider', message: expect.stringMatching(/^provider: .* is inactive/) });
    expect(await countOf('appointments')).toBe(before);
  });

  it('keeps an appointment booked before the provider went inactive: it can still be cancelled, and its slot is offered to no one', async () => {
    const name = `Dr Leaving ${Date.now()}`;
    const booked = await bookThroughApi(stack, { provider: name });
    const providerId = (await json(await stack.api(`/api/appointments/${booked.id}`))).provider_id as number;
    const waiting = await waitlistPatient(stack, providerId);
    await retire(providerId);

    const cancelled = await stack.api(`/api/appointments/${booked.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).status).toBe('cancelled');
    await vi.waitFor(() => expect(stepsDone(booked.workflowId, 'offerFreedSlot')).resolves.toBe(1), { timeout: 15_000 });
    expect(await stack.sql`select 1 from cancellation_events where appointment_id = ${booked.id}`).toEqual([]);
    expect(await textsTo(waiting)).toEqual([]);
  });

  it('gives a patient asking for another time none of its times, even one picked from a list sent before', async () => {
    const name = `Dr Moving On ${Date.now()}`;
    const booked = await bookThroughApi(stack, { provider: name });
    const { provider_id: providerId, starts_at: startsAt } = await json(await stack.api(`/api/appointments/${booked.id}`));
    expect((await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' })).status).toBe(200);
    await expect.poll(async () => (await textsTo(booked.phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm/);
    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'CHANGE'))).toMatch(/reply with the number of a time:\n.+\n1\) /);
    await retire(providerId);

    const picked = await stack.sendSms(booked.phone, '1');
    expect(await patientReply(stack, booked.phone, picked)).toMatch(
      new RegExp(`^Test Clinic: sorry, ${name} has no other open times soon\\. Your visit stays `),
    );
    expect(await json(await stack.api(`/api/appointments/${booked.id}`))).toMatchObject({
      status: 'booked',
      starts_at: startsAt,
      call_back_reason: 'no_open_times',
    });
  });
});

describe('the waitlist', () => {
  it('refuses a new entry preferring an inactive provider with 400 naming its place in the list, adding nothing', async () => {
    const active = await addProvider(stack, `Dr Here ${Date.now()}`);
    const inactive = await retiredProvider('Dr Away');
    const before = await countOf('waitlist_entries');
    const response = await send('POST', '/api/waitlist', { phone: patientPhone(), provider_ids: [active, inactive] });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toEqual({
      code: 'bad_request',
      field: 'provider_ids.1',
      message: expect.stringMatching(/^provider_ids\.1: .* is inactive/),
    });
    expect(await countOf('waitlist_entries')).toBe(before);
  });

  it('keeps an inactive provider an entry already prefers through a change, but refuses adding one', async () => {
    const kept = await addProvider(stack, `Dr Kept ${Date.now()}`);
    const added = await retiredProvider('Dr Added');
    const entry = await json(await send('POST', '/api/waitlist', { phone: patientPhone(), provider_ids: [kept] }));
    await retire(kept);

    const changed = await send('PATCH', `/api/waitlist/${entry.id}`, { provider_ids: [kept], manual_boost: 5 });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ provider_ids: [kept], manual_boost: 5 });

    const refused = await send('PATCH', `/api/waitlist/${entry.id}`, { provider_ids: [kept, added] });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.field).toBe('provider_ids.1');
    expect(await stack.sql`select provider_id from waitlist_entry_providers where entry_id = ${entry.id}`).toEqual([{ provider_id: kept }]);
  });
});

describe('logging a freed slot', () => {
  it('refuses an inactive provider with 400 naming provider_id, logging nothing', async () => {
    const inactive = await retiredProvider('Dr Absent');
    const before = await countOf('cancellation_events');
    const response = await send('POST', '/api/cancellations', {
      provider_id: inactive,
      location: 'Main St clinic',
      slot_start_at: inHours(26),
      slot_end_at: inHours(26.5),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toEqual({ code: 'bad_request', field: 'provider_id', message: expect.stringMatching(/^provider_id: .* is inactive/) });
    expect(await countOf('cancellation_events')).toBe(before);
  });
});

describe('making a provider inactive', () => {
  it("aborts their slots being offered: the pending offer is withdrawn and the patient told; another provider's slot is still offered", async () => {
    const leaving = await addProvider(stack, `Dr Departing ${Date.now()}`);
    const staying = await addProvider(stack, `Dr Staying ${Date.now()}`);
    const [waiting, other] = [await waitlistPatient(stack, leaving), await waitlistPatient(stack, staying)];
    const offered = await logCancellation(stack, leaving, 30);
    const kept = await logCancellation(stack, staying, 30);
    await expect.poll(async () => (await textsTo(waiting)).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await textsTo(other)).length, { timeout: 20_000 }).toBe(1);

    await retire(leaving);
    await expect.poll(async () => (await textsTo(waiting)).at(-1), { timeout: 20_000 }).toMatch(/^Test Clinic: the .* opening is no longer available\./);
    const aborted = await json(await stack.api(`/api/cancellations/${offered.id}`));
    expect(aborted).toMatchObject({ status: 'aborted', offers: [{ state: 'canceled' }] });
    expect(await patientReply(stack, waiting, await stack.sendSms(waiting, 'YES'))).toMatch(/^Test Clinic: the .* opening is no longer available\./);
    expect(await stack.sql`select 1 from appointments where provider_id = ${leaving}`).toEqual([]);

    expect(await json(await stack.api(`/api/cancellations/${kept.id}`))).toMatchObject({ status: 'open', offers: [{ state: 'pending' }] });
  });

  it('withdraws a slot whose YES is booked only after the provider was made inactive: the winner is told it is no longer available and stays on the list', async () => {
    const leaving = await addProvider(stack, `Dr Stepping Down ${Date.now()}`);
    const winner = await waitlistPatient(stack, leaving);
    const offered = await logCancellation(stack, leaving, 30);
    await expect.poll(async () => (await textsTo(winner)).length, { timeout: 20_000 }).toBe(1);

    // Another transaction holds the provider's row: staff's PATCH waits to make them inactive, its abort not sent yet.
    const holder = await stack.sql.reserve();
    await holder`begin`;
    await holder`select 1 from providers where id = ${leaving} for update`;
    const retiring = send('PATCH', `/api/providers/${leaving}`, { active: false });
    await waitingOnLock('update providers set');
    // The YES wins at once (the provider is still active); the booking then waits for the row too, behind the PATCH.
    expect(await patientReply(stack, winner, await stack.sendSms(winner, 'YES'))).toMatch(/^Test Clinic: Confirmed\./);
    await waitingOnLock('select active from providers|insert into appointments');
    await holder`rollback`;
    holder.release();
    expect((await retiring).status).toBe(200);

    await expect.poll(async () => (await textsTo(winner)).at(-1), { timeout: 20_000 }).toMatch(/^Test Clinic: the .* opening is no longer available\./);
    expect(await json(await stack.api(`/api/cancellations/${offered.id}`))).toMatchObject({ status: 'aborted', offers: [{ state: 'canceled' }] });
    expect(await stack.sql`select 1 from appointments where provider_id = ${leaving}`).toEqual([]);
    // Still on the list: a second YES is told the opening is gone, not the walk-in help.
    expect(await patientReply(stack, winner, await stack.sendSms(winner, 'YES'))).toMatch(/^Test Clinic: the .* opening is no longer available\./);
  });
});
