/**
 * An appointment chain's plans: the reminders of an appointment at a given time, and the chain's state
 * when its booking starts it. Pure (the caller gives the time, from the workflow clock); bundled into the
 * sandbox with appointmentWorkflow.ts, no Node imports.
 */
import { planReminders } from '../domain/reminderPlan.js';
import { appointmentMessageKey, type AppointmentChainState, type AppointmentSnapshot, type AppointmentWorkflowInput } from './appointmentDefinitions.js';

/** Epoch ms as ISO 8601 (UTC). */
export const toIso = (ms: number) => new Date(ms).toISOString();

/**
 * The reminders of appointment `a` at `startsAt` (ISO 8601) not yet due at `now` (epoch ms), by its
 * reminder rules and contact hours (src/domain/reminderPlan.ts), numbered on from `numbered`.
 */
export function planChainReminders(a: AppointmentSnapshot, startsAt: string, numbered: number, now: number): AppointmentChainState['reminders'] {
  return planReminders({ startsAt: Date.parse(startsAt), timezone: a.timezone, rules: a.reminderRules, contactHours: a.contactHours, now }).map((at, i) => ({
    at,
    n: numbered + i + 1,
  }));
}

/**
 * The state of a new chain for `input`, its reminders planned from `now` (epoch ms): booked, owing the
 * booking confirmation; or confirmed and owing nothing when a waitlist offer booked it (the offer's
 * reply was the confirmation).
 */
export function firstChainState(input: AppointmentWorkflowInput, now: number): AppointmentChainState {
  const a = input.appointment;
  const firstStart = toIso(Date.parse(a.startsAt));
  const firstReminders = planChainReminders(a, firstStart, 0, now);
  return {
    status: input.confirmedByOffer === true ? 'confirmed' : 'booked',
    startsAt: firstStart,
    followUpDate: null,
    followUpAt: null,
    reminders: firstReminders,
    owed:
      input.confirmedByOffer === true
        ? []
        : [{ kind: 'booking_confirmation', idempotencyKey: appointmentMessageKey(a.appointmentId, firstStart, 'booking_confirmation'), opensPrompt: false }],
    prompt: null,
    numbered: firstReminders.length,
  };
}
