/**
 * Staff's aborts of cancellations, recorded in Postgres (`cancellation_abort_requests`, written without
 * touching the cancellation's row, which a round being made holds) before they go to the offer
 * workflow as its `abortCancellation` update. A workflow busy with a round
 * of offers takes an update only when its current step hands in (a local activity's workflow task, at
 * 8 s), and Temporal holds an update it has not handed to the workflow in memory only: so staff are
 * answered "under way" when the workflow has not taken the abort within 5 s, and each API process's
 * sweep (`deliverRequestedAborts`) sends every recorded abort of a cancellation still open again until
 * the workflow takes it or refuses it. Every abort of one cancellation, repeated by staff or resent by
 * the sweep, is one Temporal update (`abortUpdateId`), so it is done once.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { FailureType } from '../workflows/definitions.js';
import { abortCancellationUpdate, type CancellationView } from '../workflows/offerDefinitions.js';

/** A recorded abort older than this (s) is the sweep's to send again: a younger one is still with the request that made it. */
const SWEEP_AFTER_SECONDS = 10;

/** The Temporal update ID of every abort of cancellation `cancellationId`. */
export const abortUpdateId = (cancellationId: string): string => `staff-abort-${cancellationId}`;

/**
 * Records staff's abort of cancellation `id` (once: the first request's time and `by` are kept). The
 * row's trigger sends `NOTIFY frontdesk_waitlist`, so every open Cancellations page shows it under way.
 * @returns who the abort is by (the first request's `by`), or undefined when the cancellation is no longer open.
 */
export async function recordAbortRequest(sql: Sql, id: string, by: string): Promise<string | undefined> {
  await sql`insert into cancellation_abort_requests (cancellation_id, requested_by) values (${id}, ${by}) on conflict (cancellation_id) do nothing`;
  // In a statement of its own: it sees a first request that committed while the insert gave way.
  const [row] = await sql<{ by: string }[]>`
    select r.requested_by as by from cancellation_abort_requests r join cancellation_events c on c.id = r.cancellation_id
    where r.cancellation_id = ${id} and c.status = 'open'`;
  return row?.by;
}

/**
 * Sends the abort of cancellation `cancellationId` to its workflow `workflowId` and waits for the
 * outcome: a repeat joins the update Temporal already holds, or answers its outcome once done.
 * @throws what the Temporal client throws: a refusal (see `isAbortRefused`), or no answer.
 */
export function sendAbort(temporal: Client, cancellation: { id: string; workflowId: string }, by: string): Promise<CancellationView> {
  return temporal.workflow
    .getHandle(cancellation.workflowId)
    .executeUpdate(abortCancellationUpdate, { args: [{ by }], updateId: abortUpdateId(cancellation.id) });
}

/** Whether the workflow refused the abort for good: the cancellation is no longer open (`IllegalTransition`), or its workflow is gone. */
export function isAbortRefused(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.IllegalTransition;
}

/**
 * Forgets the recorded abort of cancellation `id`, which its workflow refused (it had ended: a YES filled
 * it, or the workflow is gone), while the row is still open: the sweep stops sending it and staff may
 * ask again. Once the row has ended the record stays: staff asked, and it ended first.
 */
export async function dropAbortRequest(sql: Sql, id: string): Promise<void> {
  await sql`
    delete from cancellation_abort_requests r using cancellation_events c
    where r.cancellation_id = ${id} and c.id = r.cancellation_id and c.status = 'open'`;
}

/**
 * Sends again, all at once and within one 5 s deadline, every abort recorded more than
 * `SWEEP_AFTER_SECONDS` ago of a cancellation still open; an abort its workflow refuses is dropped, one
 * still not taken waits for the next sweep. Run by each API process's sweep.
 * @returns how many the workflows took.
 */
export async function deliverRequestedAborts(deps: { sql: Sql; temporal: Client; log: Logger }): Promise<number> {
  const requested = await deps.sql<{ id: string; workflow_id: string; by: string }[]>`
    select c.id::text, c.workflow_id, r.requested_by as by from cancellation_abort_requests r join cancellation_events c on c.id = r.cancellation_id
    where c.status = 'open' and r.requested_at < now() - make_interval(secs => ${SWEEP_AFTER_SECONDS})`;
  const taken = await Promise.all(
    requested.map(async ({ id, workflow_id: workflowId, by }) => {
      try {
        await callWithinDeadline(deps.temporal, `aborting cancellation ${id}`, () => sendAbort(deps.temporal, { id, workflowId }, by));
        return true;
      } catch (error) {
        if (isAbortRefused(error)) {
          deps.log.info({ cancellationId: id }, 'a recorded abort was refused: the cancellation had ended');
          await dropAbortRequest(deps.sql, id);
        } else if (!(error instanceof AppError && error.code === 'unavailable')) {
          deps.log.error({ err: error, cancellationId: id }, 'a recorded abort could not be sent; trying again later');
        }
        return false;
      }
    }),
  );
  return taken.filter(Boolean).length;
}
