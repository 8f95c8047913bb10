/**
 * Refilling a cancelled slot from the waitlist on the real stack (issue 10): staff log a cancellation,
 * the three best-placed patients are texted at once, the top patient's YES wins and is booked, the
 * others are told it is taken, and a STOP ends all texts to that number; 20 YES replies at once give
 * one winner, and each loser is told once that the slot is taken; a failed delivery hands the place to the next patient; staff
 * abort withdraws pending offers; an appointment cancelled by staff is offered the same way; a YES after
 * the hold ran out is told the opening is gone, and a NO that they stay on the list; HELP while an
 * offer is open gets the help about the offer.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeSid, json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';
import { messageStatusParams } from '../support/twilioWebhooks.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';
import { UNKNOWN_OFFER_SERVICE } from '../../src/activities/offerBooking.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const TAKEN = "Test Clinic: sorry, this slot has been taken; we'll keep you on the list.";
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const outboundTo = async (phone: string): Promise<string[]> =>
  ((await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages as { direction: string; body: string }[])
    .filter((m) => m.direction === 'outbound')
    .map((m) => m.body)
    .reverse();
const cancellation = async (id: string) => json(await stack.api(`/api/cancellations/${id}`));

const offersOf = async (id: string) => (await cancellation(id)).offers as { id: string; phone: string; state: string; batch_number: number }[];

describe('a cancellation offered to the waitlist', () => {
  it('offers the top 3, books the first YES, tells the others, and a STOP ends their texts', async () => {
    const providerId = await addProvider(stack, 'Dr Okafor');
    const top = await waitlistPatient(stack, providerId, { urgent: true, display_name: 'Ana Lopez' });
    const second = await waitlistPatient(stack, providerId, { manual_boost: 20 });
    const third = await waitlistPatient(stack, providerId, { manual_boost: 10 });
    const fourth = await waitlistPatient(stack, providerId);

    const { id, workflow_id } = await logCancellation(stack, providerId);
    // Ops find it in the Temporal Web UI by a summary in the clinic's own time.
    const slotStart = (await cancellation(id)).slot_start_at as string;
    const local = DateTime.fromISO(slotStart, { zone: stack.clinic.timezone }).setLocale('en-US').toFormat('ccc d LLL yyyy HH:mm z');
    expect(await (await stack.temporal.workflow.getHandle(workflow_id).describe()).staticSummary()).toBe(`Cancellation ${id}: ${local} at Main St clinic`);
    await expect.poll(async () => (await offersOf(id)).length, { timeout: 20_000 }).toBe(3);
    for (const phone of [top, second, third]) {
      await expect
        .poll(() => outboundTo(phone), { timeout: 20_000 })
        .toEqual([expect.stringMatching(/^Test Clinic: a visit opened up .* at Main St clinic\. Reply YES within 7 min to take it, or NO to pass\.$/)]);
    }
    expect(await outboundTo(fourth)).toEqual([]);
    // HELP while the offer is open is about the offer (not the walk-in line), and answers nothing.
    expect(await twimlText(await stack.sendSms(second, 'HELP'))).toMatch(
      /^Test Clinic: reply YES to take the visit we offered you, or NO to pass\. Questions\? Call .+\. Reply STOP to stop texts\.$/,
    );

    const reply = await twimlText(await stack.sendSms(top, 'Yes'));
    expect(reply).toMatch(/^Test Clinic: Confirmed\. You're scheduled for .* at .* at Main St clinic\.$/);
    for (const phone of [second, third]) {
      await expect.poll(async () => (await outboundTo(phone)).at(-1), { timeout: 20_000 }).toBe(TAKEN);
    }
    await expect.poll(async () => (await cancellation(id)).status, { timeout: 20_000 }).toBe('filled');
    const filled = await cancellation(id);
    expect(filled.offers.map((o: { state: string }) => o.state).sort()).toEqual(['accepted', 'canceled', 'canceled']);
    expect(filled.offers.every((o: { phone: string }) => !o.phone.includes(top.slice(2, 8)))).toBe(true);
    const booked = await json(await stack.api(`/api/appointments/${filled.filled_by}`));
    expect(booked).toMatchObject({ phone: top, patient_name: 'Ana Lopez', provider_id: providerId, status: 'confirmed' });
    const entries = (await json(await stack.api('/api/waitlist'))).entries as { phone: string }[];
    expect(entries.map((e) => e.phone)).not.toContain(top);

    // A YES right after the "taken" notice crossed it: no second text. A STOP opts out and nothing more is sent to that number.
    expect(await twimlText(await stack.sendSms(second, 'YES'))).toBe('');
    expect((await outboundTo(second)).filter((body) => body === TAKEN)).toHaveLength(1);
    expect(await twimlText(await stack.sendSms(third, 'STOP'))).toBe('');
    const textsBefore = (await outboundTo(third)).length;
    const next = await logCancellation(stack, providerId, 30);
    await expect.poll(async () => (await offersOf(next.id)).length, { timeout: 20_000 }).toBe(2);
    expect((await outboundTo(third)).length).toBe(textsBefore);
    const optOuts = await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${third}`;
    expect(optOuts).toHaveLength(1);
  });

  it('gives one winner to 20 YES replies at once and tells each loser once that the slot is taken', async () => {
    expect((await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_batch_size: 20 }) })).status).toBe(200);
    try {
      const providerId = await addProvider(stack, 'Dr Race');
      const phones: string[] = [];
      for (let i = 0; i < 20; i++) phones.push(await waitlistPatient(stack, providerId));
      const { id } = await logCancellation(stack, providerId, 50);
      await expect.poll(async () => (await offersOf(id)).length, { timeout: 30_000 }).toBe(20);
      await expect.poll(async () => (await Promise.all(phones.map(outboundTo))).every((texts) => texts.length === 1), { timeout: 30_000 }).toBe(true);

      const replies = await Promise.all(phones.map(async (phone) => twimlText(await stack.sendSms(phone, 'YES'))));
      const won = replies.filter((r) => r.startsWith("Test Clinic: Confirmed. You're scheduled"));
      expect(won).toHaveLength(1);
      const winner = phones[replies.findIndex((r) => r.startsWith("Test Clinic: Confirmed. You're scheduled"))]!;
      await expect.poll(async () => (await cancellation(id)).status, { timeout: 20_000 }).toBe('filled');
      const offers = await offersOf(id);
      expect(offers.filter((o) => o.state === 'accepted').map((o) => o.phone)).toEqual([`•••• ${winner.slice(-4)}`]);
      const booked = await json(await stack.api(`/api/appointments/${(await cancellation(id)).filled_by}`));
      expect(booked.phone).toBe(winner);

      // Each loser is told once that the slot is taken: by the reply to their YES or by a notice, never both.
      const losers = phones.filter((phone) => phone !== winner);
      expect(replies.filter((r) => r !== TAKEN && r !== '')).toEqual(won);
      // The message log holds both the replies and the notices.
      const told = () => Promise.all(losers.map(async (phone) => (await outboundTo(phone)).filter((body) => body === TAKEN).length));
      await expect.poll(async () => (await told()).every((n) => n >= 1), { timeout: 20_000 }).toBe(true);
      // The notices go out together: a second one would land within moments of the first.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await told()).toEqual(losers.map(() => 1));
    } finally {
      await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_batch_size: 3 }) });
    }
  });

  it('replaces an offer whose text fails with the next patient on the list', async () => {
    const providerId = await addProvider(stack, 'Dr Delivery');
    const phones = [await waitlistPatient(stack, providerId, { manual_boost: 30 }), await waitlistPatient(stack, providerId, { manual_boost: 20 })];
    await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_batch_size: 1 }) });
    try {
      const { id } = await logCancellation(stack, providerId, 60);
      await expect.poll(async () => (await offersOf(id)).length, { timeout: 20_000 }).toBe(1);
      // The message's MessageSid is written after its row: wait for it.
      const sid = await vi.waitFor(
        async () => {
          const [sent] = await stack.sql<{ provider_sid: string }[]>`
          select m.provider_sid from messages m join offers o on o.id = m.offer_id where o.cancellation_id = ${id} and m.provider_sid is not null`;
          if (sent === undefined) throw new Error('the offer text has no MessageSid yet');
          return sent.provider_sid;
        },
        { timeout: 20_000 },
      );
      const status = await stack.sendStatus(messageStatusParams({ messageSid: sid, messageStatus: 'undelivered', errorCode: 30003 }));
      expect(status.status).toBe(204);
      await expect.poll(async () => (await offersOf(id)).map((o) => o.state), { timeout: 20_000 }).toEqual(['failed', 'pending']);
      await expect.poll(() => outboundTo(phones[1]!), { timeout: 20_000 }).toHaveLength(1);
    } finally {
      await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_batch_size: 3 }) });
    }
  });

  it('withdraws pending offers when staff abort, and refuses a second abort', async () => {
    const providerId = await addProvider(stack, 'Dr Abort');
    const phone = await waitlistPatient(stack, providerId);
    const { id } = await logCancellation(stack, providerId, 70);
    await expect.poll(() => outboundTo(phone), { timeout: 20_000 }).toHaveLength(1);
    const aborted = await stack.api(`/api/cancellations/${id}/abort`, { method: 'POST' });
    expect(aborted.status).toBe(200);
    expect((await json(aborted)).status).toBe('aborted');
    await expect.poll(async () => (await outboundTo(phone)).at(-1), { timeout: 20_000 }).toMatch(/^Test Clinic: the .* opening is no longer available\./);
    await expect.poll(async () => (await cancellation(id)).status, { timeout: 20_000 }).toBe('aborted');
    expect((await offersOf(id)).map((o) => o.state)).toEqual(['canceled']);
    // A YES after the slot was withdrawn is told so again, not that the text was not understood.
    expect(await twimlText(await stack.sendSms(phone, 'YES'))).toMatch(/^Test Clinic: the .* opening is no longer available\. We'll keep you on the list\.$/);
    const again = await stack.api(`/api/cancellations/${id}/abort`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatchObject({ field: 'status' });
    expect((await json(await stack.api('/api/cancellations?status=aborted'))).cancellations.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('offers the slot of an appointment cancelled by staff', async () => {
    const providerId = await addProvider(stack, 'Dr Cancel');
    const waiting = await waitlistPatient(stack, providerId);
    const booked = await json(
      await stack.api('/api/appointments', {
        method: 'POST',
        body: JSON.stringify({
          patient_name: 'Ravi Kumar',
          phone: patientPhone(),
          starts_at: inHours(80),
          duration_minutes: 30,
          provider_id: providerId,
          service: 'Cardiology',
          channel: 'sms',
        }),
      }),
    );
    expect((await stack.api(`/api/appointments/${booked.id}/cancel`, { method: 'POST' })).status).toBe(200);
    await expect.poll(() => outboundTo(waiting), { timeout: 20_000 }).toEqual([expect.stringMatching(/^Test Clinic: a visit opened up .* at Test Clinic\./)]);
    const open = (await json(await stack.api('/api/cancellations?status=open'))).cancellations as { id: string; created_by: string; slot_start_at: string }[];
    const freed = open.find((c) => c.created_by === 'appointment' && c.slot_start_at === new Date(booked.starts_at).toISOString());
    expect(freed).toBeDefined();
    // No health information in an offer: neither the service nor the provider.
    expect((await outboundTo(waiting)).join(' ')).not.toMatch(/Cardiology|Dr Cancel/);

    // The winner's visit is their own: it does not carry the cancelled patient's reason for theirs.
    expect(await twimlText(await stack.sendSms(waiting, 'YES'))).toMatch(/Confirmed/);
    await expect.poll(async () => (await cancellation(freed!.id)).status, { timeout: 20_000 }).toBe('filled');
    const won = await json(await stack.api(`/api/appointments/${(await cancellation(freed!.id)).filled_by}`));
    // Their entry names no visit of theirs it brings forward: the service says it is not known.
    expect(won).toMatchObject({ phone: waiting, provider_id: providerId, service: UNKNOWN_OFFER_SERVICE });
  });

  it('tells a patient whose YES or NO comes after their hold ran out that they stay on the list', { timeout: 150_000 }, async () => {
    expect((await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_hold_minutes: 1 }) })).status).toBe(200);
    try {
      const providerId = await addProvider(stack, 'Dr Lapse');
      const late = await waitlistPatient(stack, providerId);
      const { id } = await logCancellation(stack, providerId, 40);
      await expect.poll(() => outboundTo(late), { timeout: 20_000 }).toEqual([expect.stringMatching(/Reply YES within 1 min to take it/)]);
      await expect.poll(async () => (await offersOf(id)).map((o) => o.state), { timeout: 100_000, interval: 1000 }).toEqual(['expired']);

      const slot = DateTime.fromISO((await cancellation(id)).slot_start_at as string, { zone: stack.clinic.timezone }).setLocale('en-US');
      expect(await twimlText(await stack.sendSms(late, 'NO'))).toBe("Test Clinic: no problem, we'll keep you on the list.");
      expect(await twimlText(await stack.sendSms(late, 'Yes!'))).toBe(
        `Test Clinic: the ${slot.toLocaleString({ weekday: 'short', month: 'short', day: 'numeric' })} ${slot.toLocaleString(DateTime.TIME_SIMPLE)} opening is no longer available. We'll keep you on the list.`,
      );
      const ended = await cancellation(id);
      expect(ended.status).toBe('expired');
      expect(ended).not.toHaveProperty('filled_by');

      // Once staff have taken them off the list, the reply would promise what is not so: a stray YES's answer.
      const entry = ((await json(await stack.api('/api/waitlist'))).entries as { id: string; phone: string }[]).find((e) => e.phone === late)!;
      expect((await stack.api(`/api/waitlist/${entry.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(await twimlText(await stack.sendSms(late, 'YES'))).toMatch(/^Test Clinic: sorry, we didn't understand\./);
      expect(await twimlText(await stack.sendSms(late, 'NO'))).toMatch(/^Test Clinic: sorry, we didn't understand\./);
    } finally {
      await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ offer_hold_minutes: 7 }) });
    }
  });

  it('refuses bad input with the field named, and answers a YES from a number with no offer as any stray YES', async () => {
    const providerId = await addProvider(stack, 'Dr Input');
    const bad = async (body: Record<string, unknown>) => {
      const response = await stack.api('/api/cancellations', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      return (await json(response)).error.field as string;
    };
    const slot = { provider_id: providerId, location: 'Main St', slot_start_at: inHours(5), slot_end_at: inHours(5.5) };
    expect(await bad({ ...slot, provider_id: 999_999 })).toBe('provider_id');
    expect(await bad({ ...slot, slot_start_at: inHours(-1) })).toBe('slot_start_at');
    expect(await bad({ ...slot, slot_end_at: inHours(4) })).toBe('slot_end_at');
    expect(await bad({ ...slot, location: '' })).toBe('location');
    expect(await bad({ ...slot, extra: 1 })).toBe('extra');
    expect(await stack.sql`select 1 from cancellation_events where provider_id = ${providerId}`).toHaveLength(0);
    expect((await stack.api('/api/cancellations/987654321')).status).toBe(404);
    expect((await stack.api('/api/cancellations/987654321/abort', { method: 'POST' })).status).toBe(404);
    expect((await stack.api('/api/metrics/waitlist?from=2026-11-30&to=2026-11-01')).status).toBe(400);

    const stranger = patientPhone();
    expect(await twimlText(await stack.sendSms(stranger, 'YES'))).not.toMatch(/Confirmed|taken/);

    const forged = await stack.app.request('/webhooks/twilio/status', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams(messageStatusParams({ messageSid: fakeSid(), messageStatus: 'undelivered' })).toString(),
    });
    expect(forged.status).toBe(403);
  });

  it('reports fill rate and time to fill from the rows', async () => {
    // The range is in clinic-local days, and the test clinic's day can be ahead of or behind UTC's.
    const today = DateTime.now().setZone(stack.clinic.timezone).toISODate();
    const metrics = await json(await stack.api(`/api/metrics/waitlist?from=2026-01-01&to=${today}`));
    expect(metrics.filled).toBeGreaterThanOrEqual(2);
    expect(metrics.offers_sent).toBeGreaterThanOrEqual(26);
    expect(metrics.fill_rate).toBeGreaterThan(0);
    expect(metrics.time_to_fill_minutes.median).toBeGreaterThanOrEqual(0);
    expect(metrics.time_to_fill_minutes.p90).toBeGreaterThanOrEqual(metrics.time_to_fill_minutes.median);
    const [counts] = await stack.sql<{ filled: number; ended: number }[]>`
      select count(*) filter (where status = 'filled')::int as filled, count(*) filter (where status in ('filled', 'expired'))::int as ended
      from cancellation_events where clinic_id = ${stack.clinic.id}`;
    expect(metrics.fill_rate).toBeCloseTo(counts!.filled / counts!.ended, 5);
  });
});
