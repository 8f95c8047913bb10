/**
 * Prompt activities: a workflow opens the question it asks a patient (`patient_prompts`, read by the
 * reply router) and closes it when answered, dropped or lapsed. Idempotent (see patientPrompts.ts).
 */
import type { Sql } from '../db/sql.js';
import { closePrompt, openPrompt, type PromptToOpen } from '../inbound/patientPrompts.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

/** Input of `openPatientPrompt`: a prompt to open, `expiresAt` as ISO 8601 (payloads carry no Dates). */
export type OpenPatientPromptInput = Omit<PromptToOpen, 'expiresAt'> & { expiresAt: string };

/** The prompt activities, bound to a Postgres pool. */
export function createPromptActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Opens the workflow's prompt, replacing its open one.
     * @throws ApplicationFailure `InvalidData` (non-retryable) when Postgres refuses it (a bad phone, an expiry not after now).
     */
    async openPatientPrompt(input: OpenPatientPromptInput): Promise<void> {
      await failPermanentErrorsFast('openPatientPrompt', () => openPrompt(sql, { ...input, expiresAt: new Date(input.expiresAt) }));
    },

    /** Closes the workflow's open prompt, if any. */
    async closePatientPrompt(workflowId: string): Promise<void> {
      await failPermanentErrorsFast('closePatientPrompt', () => closePrompt(sql, workflowId));
    },
  };
}

/** The prompt activities' interface, as workflows proxy it. */
export type PromptActivities = ReturnType<typeof createPromptActivities>;
