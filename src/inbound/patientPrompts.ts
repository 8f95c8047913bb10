/**
 * Open prompts (`patient_prompts`): what a patient has been asked and may answer by text, per clinic
 * and phone. A workflow has at most one open prompt per number: an appointment chain asking again
 * replaces its prompt (`openPrompt`); an offer workflow asks several numbers at once. Written by workflow
 * activities (idempotent: an activity retry with the same question changes nothing), read by the
 * reply router. Each close also records, in its transaction, whether the question settled an
 * appointment's call-back request (src/appointments/settledQuestions.ts), since the retention purge
 * deletes closed prompts.
 */
import { recordSettledQuestions } from '../appointments/settledQuestions.js';
import type { Sql } from '../db/sql.js';
import { normaliseAnswer } from '../domain/promptAnswers.js';

/** A question a workflow asked a patient and is waiting on. Times are UTC instants. */
export interface OpenPrompt {
  id: string;
  workflowId: string;
  /** The workflow update an answer is delivered as (argument `{ answer }`, see replyRouter.ts). */
  updateName: string;
  /** What was asked, e.g. `appointment_reminder`, `reschedule_slots`: for logs and the help text. */
  kind: string;
  /** Accepted answers, normalised (`normaliseAnswer`). */
  answers: string[];
  /** The answers the question invited (a subset of `answers`), for the help text. */
  invited: string[];
  askedAt: Date;
  expiresAt: Date;
}

/** A prompt to open: `answers` are normalised here; `expiresAt` must be after now. */
export interface PromptToOpen {
  clinicId: number;
  /** E.164. */
  phone: string;
  workflowId: string;
  updateName: string;
  kind: string;
  answers: readonly string[];
  /** The answers the question invited, listed when the patient texts something else; default `answers`. */
  invited?: readonly string[];
  expiresAt: Date;
}

/**
 * Opens `prompt`, closing the workflow's earlier open prompt if it differs. Asking the same question
 * again (same kind, answers and expiry: an activity retry) changes nothing.
 * @throws postgres.js errors; a CHECK violation (bad phone, expiry not after now) is SQLSTATE 23514.
 */
export async function openPrompt(sql: Sql, prompt: PromptToOpen): Promise<void> {
  const answers = [...new Set(prompt.answers.map(normaliseAnswer))];
  const invited = [...new Set((prompt.invited ?? prompt.answers).map(normaliseAnswer))];
  await sql.begin(async (tx) => {
    const [open] = await tx<{ id: string; kind: string; answers: string[]; expires_at: Date }[]>`
      select id, kind, answers, expires_at from patient_prompts
      where workflow_id = ${prompt.workflowId} and closed_at is null
      for update`;
    if (open !== undefined) {
      const same = open.kind === prompt.kind && open.expires_at.getTime() === prompt.expiresAt.getTime() && open.answers.join('\n') === answers.join('\n');
      if (same) return;
      await tx`update patient_prompts set closed_at = now() where id = ${open.id}`;
      await recordSettledQuestions(tx, [open.id], prompt.kind);
    }
    await tx`
      insert into patient_prompts (clinic_id, phone, workflow_id, update_name, kind, answers, invited, expires_at)
      values (${prompt.clinicId}, ${prompt.phone}, ${prompt.workflowId}, ${prompt.updateName}, ${prompt.kind}, ${answers}, ${invited}, ${prompt.expiresAt})`;
  });
}

/** Closes the open prompt of `workflowId`, if any (answered, dropped, or the workflow ended). */
export async function closePrompt(sql: Sql, workflowId: string): Promise<void> {
  await sql.begin(async (tx) => {
    const closed = await tx<
      { id: string }[]
    >`update patient_prompts set closed_at = now() where workflow_id = ${workflowId} and closed_at is null returning id`;
    await recordSettledQuestions(
      tx,
      closed.map((row) => row.id),
      null,
    );
  });
}

/** Closes prompt `id` (a stale one: its workflow no longer waits for that answer). */
export async function closePromptById(sql: Sql, id: string): Promise<void> {
  await sql.begin(async (tx) => {
    const closed = await tx<{ id: string }[]>`update patient_prompts set closed_at = now() where id = ${id} and closed_at is null returning id`;
    await recordSettledQuestions(
      tx,
      closed.map((row) => row.id),
      null,
    );
  });
}

/** The prompts `phone` may answer at `clinicId` now: open and unexpired, the most recently asked first. */
export async function findOpenPrompts(sql: Sql, clinicId: number, phone: string): Promise<OpenPrompt[]> {
  const rows = await sql<
    { id: string; workflow_id: string; update_name: string; kind: string; answers: string[]; invited: string[]; asked_at: Date; expires_at: Date }[]
  >`
    select id, workflow_id, update_name, kind, answers, invited, asked_at, expires_at from patient_prompts
    where clinic_id = ${clinicId} and phone = ${phone} and closed_at is null and expires_at > now()
    order by asked_at desc, id desc`;
  return rows.map((r) => ({
    id: r.id,
    workflowId: r.workflow_id,
    updateName: r.update_name,
    kind: r.kind,
    answers: r.answers,
    invited: r.invited,
    askedAt: r.asked_at,
    expiresAt: r.expires_at,
  }));
}
