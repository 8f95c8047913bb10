/**
 * Starting and aborting the offer workflows: the API logs a cancellation and starts its workflow, and
 * staff abort one; the `offerFreedSlot` activity starts the workflow of a cancelled appointment's slot
 * the same way. One workflow per cancellation (`cancellation-<clinic>-<id>`).
 */
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { Clinic } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { FailureType, searchAttributes } from '../workflows/definitions.js';
import { abortCancellationUpdate, CANCELLATION_JOURNEY, CANCELLATION_OFFER_WORKFLOW_TYPE } from '../workflows/offerDefinitions.js';
import {
  createCancellation,
  deleteUnstartedCancellation,
  getCancellation,
  offerWorkflowInput,
  type Cancellation,
  type NewCancellation,
} from './cancellations.js';

/** What starting and aborting need. */
export interface OfferWorkflowDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
}

/**
 * Logs `event` at `clinic` and starts its offer workflow, which offers the slot at once (within the
 * clinic's contact hours).
 * @returns the cancellation, `open`.
 * @throws AppError bad_request naming `provider_id` for an unknown or inactive provider; unavailable when
 *   Temporal does not take the start within 5 s (nothing is kept).
 */
export async function logCancellation(deps: OfferWorkflowDeps, clinic: Clinic, event: Omit<NewCancellation, 'createdBy'>): Promise<Cancellation> {
  const cancellation = await createCancellation(deps.sql, clinic, { ...event, createdBy: 'staff' });
  try {
    await callWithinDeadline(deps.temporal, 'starting the offers', () => startOfferWorkflow(deps, clinic, cancellation));
  } catch (error) {
    await deleteUnstartedCancellation(deps.sql, cancellation.id);
    throw error;
  }
  return cancellation;
}

/**
 * Starts the offer workflow of `cancellation` (ID `cancellation.workflowId`) at `clinic`, once: a
 * second call while it runs, or after it has ended, starts nothing.
 * @throws what the Temporal client throws other than "already started".
 */
export async function startOfferWorkflow(deps: OfferWorkflowDeps, clinic: Pick<Clinic, 'id' | 'slug'>, cancellation: Cancellation): Promise<void> {
  const input = await offerWorkflowInput(deps.sql, clinic, cancellation);
  try {
    await deps.temporal.workflow.start(CANCELLATION_OFFER_WORKFLOW_TYPE, {
      workflowId: cancellation.workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: searchAttributes.clinic, value: clinic.slug },
        { key: searchAttributes.journey, value: CANCELLATION_JOURNEY },
      ],
      // The slot as the clinic's staff read it: local time and zone (`Tue 1 Dec 2026 10:30 America/Chicago`).
      staticSummary: `Cancellation ${cancellation.id}: ${DateTime.fromJSDate(cancellation.slotStartAt, { zone: input.settings.timezone }).setLocale('en-US').toFormat('ccc d LLL yyyy HH:mm z')} at ${cancellation.location}`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Staff end the clinic's cancellation `id`: its pending offers are withdrawn (each patient told), and
 * it ends `aborted`.
 * @returns the cancellation after the abort.
 * @throws AppError not_found naming `id`; conflict naming `status` when it is no longer open;
 *   unavailable when Temporal or a worker does not answer within 5 s.
 */
export async function abortCancellation(deps: OfferWorkflowDeps, clinic: Clinic, id: string, by: string): Promise<Cancellation> {
  const cancellation = await getCancellation(deps.sql, clinic.id, id);
  if (cancellation.status !== 'open') throw new AppError('conflict', `cancellation ${id} is ${cancellation.status}`, 'status');
  try {
    await callWithinDeadline(deps.temporal, `aborting cancellation ${id}`, () =>
      deps.temporal.workflow.getHandle(cancellation.workflowId).executeUpdate(abortCancellationUpdate, { args: [{ by }] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.IllegalTransition) {
      throw new AppError('conflict', `cancellation ${id}: ${error.cause.message}`, 'status');
    }
    if (error instanceof WorkflowNotFoundError) throw new AppError('conflict', `cancellation ${id} has ended`, 'status');
    throw error;
  }
  // The workflow writes `aborted` in its next step: the caller sees it as it will stand.
  return { ...cancellation, status: 'aborted' };
}

/**
 * Staff have made provider `providerId` inactive: each of their cancellations still open at `clinic`
 * is aborted as staff abort one (`abortCancellation`: pending offers withdrawn, each patient told),
 * so no waitlist patient wins a slot with a provider who no longer works there. One that has ended
 * meanwhile (filled, expired, aborted) is left as it ended.
 * @returns the ids of the cancellations aborted, oldest first.
 * @throws AppError unavailable when Temporal or a worker does not answer within 5 s for one of them
 *   (those before it stay aborted; making the provider inactive again aborts the rest).
 */
export async function abortProviderCancellations(deps: OfferWorkflowDeps, clinic: Clinic, providerId: number): Promise<string[]> {
  const open = await deps.sql<{ id: string }[]>`
    select id::text from cancellation_events where clinic_id = ${clinic.id} and provider_id = ${providerId} and status = 'open' order by id`;
  const aborted: string[] = [];
  for (const { id } of open) {
    try {
      await abortCancellation(deps, clinic, id, 'staff (provider made inactive)');
      aborted.push(id);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict')) throw error;
    }
  }
  return aborted;
}
