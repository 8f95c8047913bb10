/**
 * Reminders of a visit the patient already confirmed, in the time-skipping test server: the next
 * planned reminder (and staff's Remind now) is `confirmed_reminder`, which asks nothing and opens no
 * question, instead of "Reply YES to confirm, NO to cancel, CHANGE for another time." again; so is a
 * reminder held until contact hours open whose patient confirmed while it waited.
 */
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { appointmentQuery, remindNowUpdate } from '../../src/workflows/appointmentDefinitions.js';
import { appointmentChainSuite, bookTestAppointment, kindsSentTo, nextLocal, sleepUntil, textsTo } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;

const chain = appointmentChainSuite(ZONE);

describe('a reminder of a confirmed visit', () => {
  it('asks nothing: YES to the day-before reminder, then the 1-hour reminder says "See you then!" and no question is open', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
      startsAt: await nextLocal(chain.env, ZONE, '15:00', 2),
      reminderRules: [
        { kind: 'before', minutes: 1440 },
        { kind: 'before', minutes: 60 },
      ],
    });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '15:00', 1)) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await chain.answer(appointment.phone, 'YES');
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '14:00')) + MINUTE);
    await expect.poll(async () => (await kindsSentTo(chain.sql, appointment)).at(-1)).toBe('confirmed_reminder');
    const last = (await textsTo(chain.sql, appointment)).at(-1)!;
    expect(last.body).toMatch(/a reminder of your visit with Dr Mehta .* at .*\. See you then! Can't come\? Call /);
    expect(last.body).not.toMatch(/YES|CHANGE/);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });

    // Staff press Remind now for the confirmed visit: the same reminder that asks nothing.
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(async () => (await kindsSentTo(chain.sql, appointment)).filter((k) => k === 'confirmed_reminder').length).toBe(2);
    expect((await kindsSentTo(chain.sql, appointment)).filter((k) => k === 'reminder')).toHaveLength(1);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });

  it('asks nothing when it was held until morning and the patient confirmed meanwhile: Remind now at 21:00, YES at 21:30, "See you then!" at 08:00', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
      startsAt: await nextLocal(chain.env, ZONE, '15:00', 2),
      providerName: 'Dr Held',
      reminderRules: [],
    });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);

    // Staff press Remind now after contact hours (08:00–20:00): held until they open. The patient then
    // answers the first reminder's question, still open.
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    await handle.executeUpdate(remindNowUpdate);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:30'));
    await chain.answer(appointment.phone, 'YES');
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'confirmed_reminder']);
    const last = (await textsTo(chain.sql, appointment)).at(-1)!;
    expect(last.body).toMatch(/a reminder of your visit with Dr Held .* See you then!/);
    expect(last.body).not.toMatch(/YES|CHANGE/);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });

  it('is in the patient\'s language: SI to a Remind now, then Remind now again texts "recuerde su cita" and asks nothing', async () => {
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
      startsAt: await nextLocal(chain.env, ZONE, '15:00', 3),
      providerName: 'Dr Ortiz',
      language: 'es',
    });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await chain.answer(appointment.phone, 'SI');
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(async () => (await kindsSentTo(chain.sql, appointment)).at(-1)).toBe('confirmed_reminder');
    expect((await textsTo(chain.sql, appointment)).at(-1)!.body).toMatch(
      /recuerde su cita con Dr Ortiz el .*, \d{1,2}:\d\d [ap]\.m\. Le esperamos\. ¿No puede venir\? Llame al /,
    );
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });
});
