/**
 * What the webhooks tell a cancellation's offer workflow: an offer's text failed to arrive (its
 * status callback ended `failed` or `undelivered`), or a patient holding offers opted out (STOP).
 * A workflow that has ended is no error (nothing waits any more); other failures are logged and
 * dropped: the offer's hold runs out as if unanswered.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { offerDeliveryFailedSignal, patientOptedOutSignal } from '../workflows/offerDefinitions.js';

/** What signalling needs. */
export interface OfferSignalDeps {
  sql: Sql;
  temporal: Client;
  log: Logger;
}

/** Message statuses after which a text never arrives (Twilio's message status values). */
const UNDELIVERED = new Set(['failed', 'undelivered']);

/** Signals the failure of offer `offerId`'s text (`status` from its callback) to its workflow; any other status is ignored. */
export async function signalOfferDeliveryFailure(deps: OfferSignalDeps, offerId: string, status: string, errorCode: number | null): Promise<void> {
  if (!UNDELIVERED.has(status)) return;
  const [row] = await deps.sql<{ workflow_id: string }[]>`
    select c.workflow_id from offers o join cancellation_events c on c.id = o.cancellation_id where o.id = ${offerId} and o.state = 'pending'`;
  if (row === undefined) return;
  await signal(deps, row.workflow_id, (handle) => handle.signal(offerDeliveryFailedSignal, { offerId, status, errorCode }));
}

/** Tells every workflow holding a pending offer to `phone` at `clinicId` that the patient opted out. */
export async function signalOffersOptedOut(deps: OfferSignalDeps, clinicId: number, phone: string): Promise<void> {
  const rows = await deps.sql<{ workflow_id: string }[]>`
    select distinct c.workflow_id from offers o join cancellation_events c on c.id = o.cancellation_id
    where o.clinic_id = ${clinicId} and o.phone = ${phone} and o.state = 'pending'`;
  for (const row of rows) await signal(deps, row.workflow_id, (handle) => handle.signal(patientOptedOutSignal, { phone }));
}

async function signal(deps: OfferSignalDeps, workflowId: string, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
  try {
    await callWithinDeadline(deps.temporal, 'offer signal', () => send(deps.temporal.workflow.getHandle(workflowId)));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    deps.log.warn({ err: error, workflowId }, 'signal not handed to the offer workflow');
  }
}
