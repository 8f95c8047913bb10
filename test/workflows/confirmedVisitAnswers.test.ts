/**
 * A confirmed visit's chain answering CHANGE and NO after its question closed, in the time-skipping test
 * server (answerConfirmedVisitUpdate): CHANGE as the reminder's CHANGE (the list of open times, or the
 * no-open-slots text), NO as the reminder's NO (cancelled, the slot released); refused while the visit
 * is not confirmed or a question is open, which takes its own answers.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { answerConfirmedVisitUpdate, appointmentQuery, remindNowUpdate } from '../../src/workflows/appointmentDefinitions.js';
import { FailureType } from '../../src/workflows/definitions.js';
import { appointmentChainSuite, bookTestAppointment, failureTypeOf, nextLocal, type TestBooking } from '../support/appointments.js';

const ZONE = 'America/Chicago';

const chain = appointmentChainSuite(ZONE);

/** Books a visit two days out at 15:00 (`booking`), reminds the patient now, and has them text YES. */
async function confirmedVisit(booking: Omit<TestBooking, 'startsAt'> = {}) {
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
    startsAt: await nextLocal(chain.env, ZONE, '15:00', 2),
    providerName: `Dr ${randomUUID().slice(0, 8)}`,
    ...booking,
  });
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
  await handle.executeUpdate(remindNowUpdate);
  await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
  expect(await failureTypeOf(handle.executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer: 'CHANGE' }] }))).toBe(FailureType.AnswerNotAwaited);
  await chain.answer(appointment.phone, 'YES');
  await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  return { appointment, handle };
}

describe('CHANGE after the visit is confirmed', () => {
  it('gets the list of open times, as the reminder would; a second CHANGE while the list is open is not for this update', async () => {
    const { handle } = await confirmedVisit({ officeDays: [1, 2, 3, 4, 5, 6, 7] });
    const outcome = await handle.executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer: 'CHANGE' }] });
    expect(outcome).toMatchObject({ kind: 'reschedule_options', reply: expect.stringMatching(/reply with the number of a time:\n.+\n1\) /) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: 'reschedule_slots' });
    expect(await failureTypeOf(handle.executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer: 'CAMBIAR' }] }))).toBe(FailureType.AnswerNotAwaited);
  });

  it('says no other time is open when none is, and the visit stays confirmed', async () => {
    // Half an hour of office a day fits no hour-long visit: no other time is ever open.
    const { handle } = await confirmedVisit({ durationMinutes: 60, officeDays: [1, 2, 3, 4, 5, 6, 7], opens: '09:00', closes: '09:30' });
    const outcome = await handle.executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer: 'RESCHEDULE' }] });
    expect(outcome).toMatchObject({ kind: 'no_open_slots', reply: expect.stringContaining('no other open times') });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });
});

describe('NO after the visit is confirmed', () => {
  it('cancels it, as the reminder said NO does, and the chain ends', async () => {
    const { appointment, handle } = await confirmedVisit();
    const outcome = await handle.executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer: 'NO' }] });
    expect(outcome).toMatchObject({ kind: 'cancelled', reply: expect.stringMatching(/your visit with Dr .* is cancelled/) });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    const [row] = await chain.sql`select status from appointments where id = ${appointment.appointmentId}`;
    expect(row!.status).toBe('cancelled');
  });
});
