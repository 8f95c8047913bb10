/**
 * The contract between the reply router (src/inbound/replyRouter.ts) and any workflow that asks a
 * patient something: the workflow opens a prompt naming one of its updates; the router delivers a
 * matching answer as that update with a `PromptAnswer` and texts back the `PromptOutcome`'s reply.
 * The update's validator must reject (ApplicationFailure of type `FailureType.AnswerNotAwaited`) an
 * answer the workflow no longer waits for, so a stale prompt never captures it.
 */

/**
 * The update's argument: the patient's answer, normalised (`normaliseAnswer`), the prompt kind it
 * matched, and the number it came from (E.164; absent in answers routed before offers asked several
 * numbers at once).
 */
export interface PromptAnswer {
  answer: string;
  kind: string;
  phone?: string;
}

/** The update's result: the text to reply with (the true outcome), or null for no reply. */
export interface PromptOutcome {
  reply: string | null;
}
