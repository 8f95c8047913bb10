/**
 * The reply router: which open question a patient's text answers. One rule (ARCHITECTURE.md, "The
 * reply router"): among the patient's open, unexpired prompts at this clinic, the most recently asked
 * one that accepts the text (`readAnswer`: normalised, courtesy after the answer dropped) gets it, delivered as the update the prompt names
 * (`PromptAnswer` → `PromptOutcome`, src/workflows/promptDefinitions.ts). A workflow that no longer
 * waits for the answer rejects it in its update validator (`AnswerNotAwaited`) or is gone: that
 * prompt is closed and the next one is tried, so a stale prompt never captures an answer. An answer to
 * a reminder's question names the start it asked about (`askedAbout`), so a chain whose question
 * changed after the prompts were read (a staff move landing meanwhile, whose text asks about the new
 * time) refuses it instead of applying it to the new time. A text that only confirms (`ok`, 👍, `vale`:
 * `isReminderConfirmation`) is a `CONFIRM` to a reminder's question that is the most recently asked
 * prompt still open, and an answer to nothing else: not to a waitlist offer (a slot booked by an
 * acknowledgement is worse than one missed), not to a list of times, and not to an older reminder's
 * question when a later prompt (an offer sent since) is open, which it may have been meant for.
 * Queue commands, opt words and HELP are decided before the router is asked (handleInboundText.ts).
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { isReminderConfirmation, normaliseAnswer, readAnswer } from '../domain/promptAnswers.js';
import type { AppointmentPromptAnswer, AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import type { PromptAnswer, PromptOutcome } from '../workflows/promptDefinitions.js';
import { closePromptById, findOpenPrompts, type OpenPrompt } from './patientPrompts.js';

/** What routing a text did: answered a prompt (with the workflow's reply), or matched none. */
export type RoutedAnswer =
  | { kind: 'answered'; prompt: OpenPrompt; reply: string | null }
  /** No open prompt accepts the text; `open` are the prompts the patient can still answer. */
  | { kind: 'unmatched'; open: OpenPrompt[] };

/** What the router needs. */
export interface ReplyRouterDeps {
  sql: Sql;
  temporal: Client;
  log: Logger;
}

const isNotAwaited = (error: unknown): boolean =>
  (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.AnswerNotAwaited) ||
  error instanceof WorkflowNotFoundError;

/** A reminder's question: it expires at the start it asks about. */
const REMINDER_QUESTION: AppointmentPromptKind = 'appointment_reminder';
/** The answer a confirmation that is no invited word (`ok`, 👍) gives a reminder's question. */
const CONFIRMATION = 'CONFIRM';

/** Attempts at an update the server gave back unprocessed (see `wasNotProcessed`). */
const UPDATE_ATTEMPTS = 5;
/** Milliseconds before the next attempt, times the attempt's number. */
const UPDATE_RETRY_MS = 50;

/**
 * Whether the server gave an update back without a worker having seen it: under a burst (20 patients
 * answering one offer at once) the server may reject an admitted update "because it wasn't processed
 * by worker". Nothing was decided, so sending it again is safe. (More than 10 updates in flight on one
 * run are refused with RESOURCE_EXHAUSTED, which the client's gRPC retry already retries with backoff.)
 */
const wasNotProcessed = (error: unknown): boolean =>
  error instanceof WorkflowUpdateFailedError && `${error.message} ${error.cause?.message ?? ''}`.includes("wasn't processed by worker");

/**
 * The update's argument for `answer` (normalised) from `phone` to `prompt`: a reminder's question,
 * which expires at the start it asks about (appointmentPrompts.ts), also names that start
 * (`AppointmentPromptAnswer.askedAbout`), which the chain checks against its open question.
 */
function answerTo(prompt: OpenPrompt, answer: string, phone: string): PromptAnswer | AppointmentPromptAnswer {
  const base = { answer, kind: prompt.kind, phone };
  return prompt.kind === REMINDER_QUESTION ? { ...base, askedAbout: prompt.expiresAt.toISOString() } : base;
}

/** Delivers `answer` to `prompt`'s workflow as its update, again when the server gave it back unprocessed. */
async function deliverAnswer(deps: ReplyRouterDeps, prompt: OpenPrompt, answer: PromptAnswer): Promise<PromptOutcome> {
  const handle = deps.temporal.workflow.getHandle(prompt.workflowId);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.executeUpdate<PromptOutcome, [PromptAnswer]>(prompt.updateName, { args: [answer] });
    } catch (error) {
      if (!wasNotProcessed(error) || attempt >= UPDATE_ATTEMPTS) throw error;
      deps.log.info({ workflowId: prompt.workflowId, attempt }, 'update given back unprocessed: sent again');
      await new Promise((resolve) => setTimeout(resolve, UPDATE_RETRY_MS * attempt));
    }
  }
}

/**
 * Routes `body` from `phone` (E.164) at `clinicId` by the rule above.
 * @throws the update's other errors (Temporal unavailable, the workflow failing the update): the
 *   caller's apology path handles them, and the patient may answer again.
 */
export async function routeAnswer(deps: ReplyRouterDeps, clinicId: number, phone: string, body: string): Promise<RoutedAnswer> {
  const said = readAnswer(body);
  const confirms = isReminderConfirmation(body);
  const open = await findOpenPrompts(deps.sql, clinicId, phone);
  const stillOpen: OpenPrompt[] = [];
  for (const prompt of open) {
    // Only the latest question still open may take a bare confirmation (see the module docstring).
    const latest = stillOpen.length === 0;
    const answer = prompt.answers.includes(said)
      ? said
      : confirms && latest && prompt.kind === REMINDER_QUESTION && prompt.answers.includes(CONFIRMATION)
        ? CONFIRMATION
        : undefined;
    if (answer === undefined) {
      stillOpen.push(prompt);
      continue;
    }
    try {
      const outcome = await deliverAnswer(deps, prompt, answerTo(prompt, answer, phone));
      return { kind: 'answered', prompt, reply: outcome.reply };
    } catch (error) {
      if (!isNotAwaited(error)) throw error;
      deps.log.info({ workflowId: prompt.workflowId, kind: prompt.kind }, 'stale prompt closed: its workflow no longer waits for an answer');
      await closePromptById(deps.sql, prompt.id);
    }
  }
  return { kind: 'unmatched', open: stillOpen };
}

/** A WhatsApp quick-reply button as Twilio reports a tap: its label (`ButtonText`) and payload (`ButtonPayload`). */
export interface QuickReplyButton {
  text: string;
  payload: string;
}

/**
 * The answer a tap on `button` gives `phone` (E.164) at `clinicId`: the button's payload when one of
 * the patient's open prompts accepts it (`CONFIRM`, `CANCEL`, a slot number), else the button's text,
 * read as if typed.
 */
export async function buttonAnswer(sql: Sql, clinicId: number, phone: string, button: QuickReplyButton): Promise<string> {
  const payload = normaliseAnswer(button.payload);
  const open = await findOpenPrompts(sql, clinicId, phone);
  return open.some((prompt) => prompt.answers.includes(payload)) ? button.payload : button.text;
}
