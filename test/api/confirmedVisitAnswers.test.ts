/**
 * A patient whose visit is confirmed, its question closed, who then texts CHANGE or NO, through the real
 * app, signed as Twilio signs them: CHANGE (CAMBIAR) gets the list of open times in the TwiML reply, as
 * the reminder's CHANGE would, and a time picked from it moves the visit; NO cancels the visit, as the
 * reminder's NO would, and the reply says so. Both in the patient's language, instead of "sorry, we
 * didn't understand".
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, remindAndAwaitQuestion, type ApiBookingRequest } from '../support/apiBooking.js';
import { json, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));

/** Books a visit (`booking`), has staff remind the patient, and has them confirm it with `yes`. */
async function bookAndConfirm(booking: ApiBookingRequest, yes: string) {
  const booked = await bookThroughApi(stack, { provider: `Dr ${randomUUID().slice(0, 8)}`, ...booking });
  await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
  await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, yes));
  expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed' });
  return booked;
}

describe('CHANGE after the visit is confirmed', () => {
  it.each([
    ['en', 'YES', 'CHANGE', /^Test Clinic: reply with the number of a time:\n.+\n1\) /, / is now /],
    ['es', 'SI', 'Cambiar', /^Test Clinic: responda con el numero de una hora:\n.+\n1\) /, / pasa al /],
  ])('gets the list of open times, and a pick moves the visit (%s)', async (language, yes, change, list, moved) => {
    const booked = await bookAndConfirm({ language }, yes);
    const { starts_at: startsAt } = await appointment(booked.id);

    expect(await twimlText(await stack.sendSms(booked.phone, change))).toMatch(list);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: startsAt });
    expect(await twimlText(await stack.sendSms(booked.phone, '1'))).toMatch(moved);
    expect((await appointment(booked.id)).starts_at).not.toBe(startsAt);
  });
});

describe('NO after the visit is confirmed', () => {
  it.each([
    ['en', 'YES', 'NO', /^Test Clinic: Rahul Sharma, your visit with Dr .* on .* is cancelled\. To book again, call /],
    ['es', 'Sí', 'no', /^Test Clinic: Rahul Sharma, su cita con Dr .* del .* queda cancelada\. Para otra cita llame al /],
  ])('cancels the visit, as the reminder said NO does, and says so (%s)', async (language, yes, no, cancelled) => {
    const booked = await bookAndConfirm({ language }, yes);
    expect(await twimlText(await stack.sendSms(booked.phone, no))).toMatch(cancelled);
    expect(await appointment(booked.id)).toMatchObject({ status: 'cancelled' });
  });
});

/**
 * A waitlist patient who wins a freed slot with YES; waits until the visit the offer booked is
 * `confirmed`. @returns their number, the cancellation's offer workflow and the booked appointment's id.
 */
async function winOffer(): Promise<{ phone: string; workflowId: string; bookedId: string }> {
  const providerId = await addProvider(stack, `Dr ${randomUUID().slice(0, 8)}`);
  const phone = await waitlistPatient(stack, providerId);
  const cancellation = await logCancellation(stack, providerId);
  await expect
    .poll(async () => (await stack.sql`select 1 from patient_prompts where phone = ${phone} and closed_at is null`).length, { timeout: 20_000 })
    .toBe(1);
  expect(await twimlText(await stack.sendSms(phone, 'YES'))).toMatch(/Confirmed\. You're scheduled for /);
  const bookedId = async () =>
    (await stack.sql<{ id: string | null }[]>`select filled_by_appointment_id::text as id from cancellation_events where id = ${cancellation.id}`)[0]?.id;
  await expect.poll(bookedId, { timeout: 20_000 }).not.toBeNull();
  const booked = (await bookedId())!;
  await expect.poll(async () => (await appointment(booked)).status, { timeout: 20_000 }).toBe('confirmed');
  return { phone, workflowId: cancellation.workflow_id, bookedId: booked };
}

describe('after a waitlist offer taken', () => {
  it('takes YES, CHANGE and NO for the visit the offer booked once its hold is over, as after a reminder', async () => {
    const { phone, workflowId, bookedId } = await winOffer();
    // The offer's hold runs out (7 minutes).
    await stack.sql`update patient_prompts set expires_at = now() where phone = ${phone} and workflow_id = ${workflowId}`;

    expect(await twimlText(await stack.sendSms(phone, 'YES'))).toMatch(/: thank you, .* Your visit with Dr .* is confirmed\. See you then!$/);
    expect(await twimlText(await stack.sendSms(phone, 'CHANGE'))).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
    expect(await twimlText(await stack.sendSms(phone, 'NO'))).toMatch(/ is cancelled\. To book again, call /);
    expect(await appointment(bookedId)).toMatchObject({ status: 'cancelled' });
  });

  it('takes CHANGE and NO while its hold still runs: NO cancels the visit, not "Confirmed" again', async () => {
    const { phone, bookedId } = await winOffer();
    // Within the 7-minute hold: the offer is won, so the words are about the visit it booked.
    expect(await twimlText(await stack.sendSms(phone, 'CHANGE'))).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
    expect(await twimlText(await stack.sendSms(phone, 'NO'))).toMatch(/ is cancelled\. To book again, call /);
    expect(await appointment(bookedId)).toMatchObject({ status: 'cancelled' });
  });
});
