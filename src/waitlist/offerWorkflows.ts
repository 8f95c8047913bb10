/**
 * Starting and aborting the offer workflows: the API logs a cancellation and starts its workflow, and
 * staff abort one; the `offerFreedSlot` activity starts the workflow of a cancelled appointment's slot
 * the same way. One workflow per cancellation (`cancellation-<clinic>-<id>`).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { Clinic } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { searchAttributes } from '../workflows/definitions.js';
import { CANCELLATION_JOURNEY, CANCELLATION_OFFER_WORKFLOW_TYPE } from '../workflows/offerDefinitions.js';
import { dropAbortRequest, isAbortRefused, recordAbortRequest, sendAbort } from './abortRequests.js';
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
 * What staff's abort came to: `aborted`, the workflow took it (its pending offers withdrawn); or
 * `under_way`, recorded but not taken within 5 s (the workflow busy with a round of offers, or Temporal
 * or its worker not answering): it is sent again until the workflow takes it (`abortRequests.ts`).
 */
export type AbortOutcome = 'aborted' | 'under_way';

/**
 * Staff end the clinic's cancellation `id`: its pending offers are withdrawn (each patient told), and
 * it ends `aborted`. The abort is recorded first, then sent as one Temporal update per cancellation
 * (`abortUpdateId`), so a repeat (after an `under_way`, or a retry) joins it and nothing is done twice.
 * `repeat`: the request was made before (its idempotency key seen): a cancellation its abort has ended
 * is answered as the first request would have been.
 * @returns the cancellation as it will stand (`aborted`; `open` with its abort recorded when under way) and the outcome.
 * @throws AppError not_found naming `id`; conflict naming `status` when it is no longer open, or the
 *   workflow refused the abort (a YES filled it first, or its workflow has ended).
 */
export async function abortCancellation(
  deps: OfferWorkflowDeps,
  clinic: Clinic,
  id: string,
  by: string,
  { repeat = false }: { repeat?: boolean } = {},
): Promise<{ outcome: AbortOutcome; cancellation: Cancellation }> {
  const cancellation = await getCancellation(deps.sql, clinic.id, id);
  if (repeat && cancellation.status === 'aborted' && cancellation.abortRequestedAt !== null) return { outcome: 'aborted', cancellation };
  const notOpen = (status: string) => new AppError('conflict', `cancellation ${id} is ${status}`, 'status');
  if (cancellation.status !== 'open') throw notOpen(cancellation.status);
  const abortBy = await recordAbortRequest(deps.sql, id, by);
  // It ended between the two reads.
  if (abortBy === undefined) throw notOpen((await getCancellation(deps.sql, clinic.id, id)).status);
  try {
    await callWithinDeadline(deps.temporal, `aborting cancellation ${id}`, () => sendAbort(deps.temporal, cancellation, abortBy));
  } catch (error) {
    // Not taken in time (or Temporal away), but recorded: the sweep sends it until the workflow takes it.
    if (error instanceof AppError && error.code === 'unavailable')
      return { outcome: 'under_way', cancellation: await getCancellation(deps.sql, clinic.id, id) };
    if (!isAbortRefused(error)) throw error;
    await dropAbortRequest(deps.sql, id);
    if (error instanceof WorkflowUpdateFailedError) throw new AppError('conflict', `cancellation ${id}: ${error.cause?.message ?? error.message}`, 'status');
    throw new AppError('conflict', `cancellation ${id} has ended`, 'status');
  }
  // The workflow writes `aborted` in its next step: the caller sees it as it will stand.
  return { outcome: 'aborted', cancellation: { ...cancellation, status: 'aborted' } };
}

/**
 * Staff have made provider `providerId` inactive: each of their cancellations still open at `clinic`
 * is aborted as staff abort one (`abortCancellation`: pending offers withdrawn, each patient told),
 * so no waitlist patient wins a slot with a provider who no longer works there. One that has ended
 * meanwhile (filled, expired, aborted) is left as it ended; one whose workflow does not take the
 * abort within 5 s has it recorded, and sent again until it does.
 * @returns the ids of the cancellations aborted or being aborted, oldest first.
 */
export async function abortProviderCancellations(deps: OfferWorkflowDeps, clinic: Clinic, providerId: number): Promise<string[]> {
  const open = await deps.sql<{ id: string }[]>`
    select id::text from cancellation_events where clinic_id = ${clinic.id} and provider_id = ${providerId} and status = 'open' order by id`;
  // All at once: each waits up to 5 s for its workflow.
  const aborted = await Promise.all(
    open.map(async ({ id }) => {
      try {
        await abortCancellation(deps, clinic, id, 'staff (provider made inactive)');
        return id;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
        return undefined;
      }
    }),
  );
  return aborted.filter((id): id is string => id !== undefined);
}
