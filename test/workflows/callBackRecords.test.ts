/**
 * A patient texted the open times a day and more before the visit lets the list lapse: the chain
 * records the request to call them back on the appointment row, so staff still see it after the
 * retention purge has deleted the closed question, until the visit is moved, or until the patient
 * answers a later question, which the row records too, so the purge of that answered question does not
 * bring the request back. The real chain in the
 * time-skipping test server with the real activities (the purge too) on the test Postgres; what staff
 * see is `findCallBacks`, which the Appointments page and the JSON API read.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../src/activities/retention.js';
import { getAppointment } from '../../src/appointments/appointments.js';
import { findCallBacks, type CallBack } from '../../src/appointments/callBacks.js';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { appointmentQuery, remindNowUpdate, rescheduleAppointmentUpdate, type AppointmentSnapshot } from '../../src/workflows/appointmentDefinitions.js';
import { appointmentChainSuite, bookTestAppointment, nextLocal, sleepUntil } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const chain = appointmentChainSuite(ZONE);

/** What staff see about calling the patient of `a` back (the Appointments page's notice, the API's two fields). */
async function callBackOf(a: AppointmentSnapshot): Promise<CallBack | undefined> {
  const appointment = await getAppointment(chain.sql, a.clinicId, a.appointmentId);
  return (await findCallBacks(chain.sql, [appointment])).get(a.appointmentId);
}

describe('a list of open times that lapses days before the visit', () => {
  it('asks staff to call the patient back, still after the retention purge deletes the closed question, until the visit is moved', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    const [list] = await chain.sql<{ asked_at: Date }[]>`
      select asked_at from patient_prompts where workflow_id = ${handle.workflowId} and kind = 'reschedule_slots'`;
    // While the list is open, the patient may still choose.
    expect(await callBackOf(appointment)).toBeUndefined();

    // A day on, the list lapses unanswered, two days before the visit.
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + DAY + MINUTE);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: null });
    const requested = { askedAt: list!.asked_at, reason: 'no_time_chosen' };
    await expect.poll(() => callBackOf(appointment)).toEqual(requested);

    // The clinic's retention_days pass (the chain's questions dated back past them) and the purge runs:
    // the closed questions are deleted, the request to call back is not.
    await chain.sql`
      update patient_prompts set asked_at = asked_at - interval '100 days', expires_at = expires_at - interval '100 days',
        closed_at = closed_at - interval '100 days'
      where workflow_id = ${handle.workflowId}`;
    expect((await createRetentionActivities({ sql: chain.sql }).purgeExpiredRecords()).prompts).toBeGreaterThanOrEqual(2);
    expect(await chain.sql`select 1 from patient_prompts where workflow_id = ${handle.workflowId}`).toEqual([]);
    expect(await callBackOf(appointment)).toEqual(requested);

    // Staff called back and moved the visit: the request is answered.
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(startsAt + DAY).toISOString() }] });
    expect(await callBackOf(appointment)).toBeUndefined();
  });

  it('asks no more once the patient confirms a later reminder, still after the retention purge deletes that answered question', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    // A day on, the list lapses unanswered: staff are asked to call the patient back.
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + DAY + MINUTE);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: null });
    await expect.poll(() => callBackOf(appointment)).toMatchObject({ reason: 'no_time_chosen' });

    // Staff remind again and the patient keeps the time: nobody needs to call them back any more.
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('confirmed') });
    expect(await callBackOf(appointment)).toBeUndefined();

    // The clinic's retention_days pass and the purge deletes the closed questions, the answered reminder
    // with them, while the visit is still ahead: the request stays answered.
    await chain.sql`
      update patient_prompts set asked_at = asked_at - interval '100 days', expires_at = expires_at - interval '100 days',
        closed_at = closed_at - interval '100 days'
      where workflow_id = ${handle.workflowId}`;
    expect((await createRetentionActivities({ sql: chain.sql }).purgeExpiredRecords()).prompts).toBeGreaterThanOrEqual(3);
    expect(await chain.sql`select 1 from patient_prompts where workflow_id = ${handle.workflowId}`).toEqual([]);
    expect((await handle.query(appointmentQuery)).status).toBe('confirmed');
    expect(await callBackOf(appointment)).toBeUndefined();
  });
});
