/**
 * An appointment chain's open question to its patient (a reminder's YES / NO / CHANGE, or the numbered
 * list of open times): kept in the chain's state and in a `patient_prompts` row, through which the reply router
 * finds the chain. Workflow code: bundled into the sandbox with appointmentWorkflow.ts, deterministic,
 * no Node imports.
 */
import { patched, proxyLocalActivities } from '@temporalio/workflow';
import type { PromptActivities } from '../activities/prompts.js';
import { invitedListAnswers, invitedReminderAnswers, LIST_ANSWERS, REMINDER_ANSWERS, SLOT_ANSWERS } from '../domain/appointmentAnswers.js';
import { answerAppointmentPromptUpdate, type AppointmentChainState, type AppointmentSnapshot } from './appointmentDefinitions.js';
import { FailureType } from './definitions.js';

// Short Postgres calls: local activities, bounded like the chain's other row writes.
const prompts = proxyLocalActivities<PromptActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});

/** The patch that has a list of open times also take the reminder's YES (keep the time) and NO (cancel). */
const LIST_TAKES_REMINDER_ANSWERS_PATCH = 'list-takes-reminder-answers';

/**
 * What a `kind` question about `slots` accepts and invites, for a patient who reads `language`. A list
 * asked before LIST_TAKES_REMINDER_ANSWERS_PATCH took its numbers only.
 */
function answersOf(kind: 'appointment_reminder' | 'reschedule_slots', slots: number[], language: string) {
  if (kind === 'appointment_reminder') return { answers: REMINDER_ANSWERS, invited: invitedReminderAnswers(language) };
  if (patched(LIST_TAKES_REMINDER_ANSWERS_PATCH)) return { answers: LIST_ANSWERS, invited: invitedListAnswers(language, slots.length) };
  return { answers: SLOT_ANSWERS, invited: slots.map((_, i) => String(i + 1)) };
}

/** The prompt steps of the chain `workflowId` of appointment `a`, on its live state `s`. */
export function createPrompts(a: AppointmentSnapshot, s: AppointmentChainState, workflowId: string) {
  return {
    /** Closes the open question, if any (state and row). */
    dropPrompt: async (): Promise<void> => {
      if (s.prompt === null) return;
      s.prompt = null;
      await prompts.closePatientPrompt(workflowId);
    },
    /** Asks `kind` until `expiresAt` (epoch ms); `slots` are the open times a `reschedule_slots` question lists. */
    ask: async (kind: 'appointment_reminder' | 'reschedule_slots', expiresAt: number, slots: number[]): Promise<void> => {
      s.prompt = { kind, expiresAt, slots };
      await prompts.openPatientPrompt({
        clinicId: a.clinicId,
        phone: a.phone,
        workflowId,
        updateName: answerAppointmentPromptUpdate.name,
        kind,
        ...answersOf(kind, slots, a.language),
        expiresAt: new Date(expiresAt).toISOString(),
      });
    },
  };
}
