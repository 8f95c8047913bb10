/**
 * JOIN: puts a patient (or a kiosk visitor) in the clinic's walk-in line by starting the ticket's
 * workflow with update-with-start, so a retried JOIN cannot start two.
 */
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { Sql } from '../db/sql.js';
import type { Clinic } from '../clinics/clinics.js';
import { AppError } from '../errors.js';
import { serviceDayAt, waitsForNextOpenDay } from '../domain/serviceDay.js';
import { maskPhone } from '../domain/phone.js';
import { cleanFreeText } from '../domain/freeText.js';
import {
  FailureType,
  TICKET_WORKFLOW_TYPE,
  WALK_IN_JOURNEY,
  joinUpdate,
  searchAttributes,
  ticketWorkflowId,
  type TicketChannel,
  type TicketView,
  type TicketWorkflowInput,
} from '../workflows/definitions.js';
import { allocateTicketCode } from './allocateTicketCode.js';
import { callWithinDeadline } from './callWithinDeadline.js';
import { findOpenTicketByPhone, toTicketView, type TicketRecord } from './readQueue.js';

/** What a join asks for. `joinKey` identifies the request (MessageSid, `kiosk:<nonce>`). */
export interface JoinRequest {
  clinic: Clinic;
  phone: string | null;
  channel: TicketChannel;
  note: string | null;
  joinKey: string;
}

/**
 * `joined` a new ticket; `already` in line with this ticket. `nextDay`: the ticket waits for the next
 * open day (joined after closing time, `waitsForNextOpenDay`); `serviceDay`, the clinic-local
 * `YYYY-MM-DD` of the line it is in (that day, when `nextDay`).
 */
export interface JoinOutcome {
  kind: 'joined' | 'already';
  ticket: TicketView;
  nextDay: boolean;
  serviceDay: string;
}

/** Dependencies: Postgres, the Temporal client and the task queue the worker polls. */
export interface QueueDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
}

/**
 * Joins the line. A phone with an open ticket gets that ticket back.
 * The note is stored cleaned (`cleanFreeText`: no control or bidi characters, NFC).
 * @throws AppError conflict when `joinKey` was used by a ticket that has since ended; unavailable
 *   when the ticket could not be opened (its workflow has ended without a ticket), or, for a kiosk
 *   join, when Temporal or a worker does not answer within `WAIT_DEADLINE_MS`.
 */
export async function joinQueue(deps: QueueDeps, request: JoinRequest, now: Date = new Date()): Promise<JoinOutcome> {
  const { clinic } = request;
  if (request.phone !== null) {
    const open = await findOpenTicketByPhone(deps.sql, clinic.id, request.phone);
    if (open !== undefined) return alreadyInLine(open, clinic.timezone, now);
  }
  const today = serviceDayAt(now, clinic.timezone, clinic.closingTime);

  const { code, serviceDay } = await allocateTicketCode(deps.sql, clinic.id, request.joinKey, today.day);
  const workflowId = ticketWorkflowId(clinic.slug, serviceDay, code);
  const input: TicketWorkflowInput = {
    clinicId: clinic.id,
    clinicSlug: clinic.slug,
    serviceDay,
    code,
    phone: request.phone,
    channel: request.channel,
    note: cleanNote(request.note),
    closesAt: today.closesAt,
    nextReminderMinutes: clinic.nextReminderMinutes,
  };
  const start = new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: searchAttributes.clinic, value: clinic.slug },
      { key: searchAttributes.journey, value: WALK_IN_JOURNEY },
      { key: searchAttributes.ticketState, value: 'waiting' },
    ],
    staticSummary: `Walk-in ticket ${code} at ${clinic.name} (${request.channel}${request.phone === null ? '' : `, ${maskPhone(request.phone)}`})`,
  });
  try {
    const join = () => deps.temporal.workflow.executeUpdateWithStart(joinUpdate, { startWorkflowOperation: start });
    // A kiosk visitor stands waiting; a texted JOIN has the SMS path's late-reply deadline instead.
    const result = await (request.channel === 'kiosk' ? callWithinDeadline(deps.temporal, 'printing your ticket', join) : join());
    return { kind: result.existing ? 'already' : 'joined', ticket: result.ticket, nextDay: today.afterClosing, serviceDay };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.TicketNotOpened) {
      throw new AppError('unavailable', 'Sorry, your ticket could not be opened. Please ask at the front desk.');
    }
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const open = request.phone === null ? undefined : await findOpenTicketByPhone(deps.sql, clinic.id, request.phone);
    if (open !== undefined) return alreadyInLine(open, clinic.timezone, now);
    throw new AppError('conflict', `this join request was already used for ticket ${code}, which has ended`);
  }
}

/** The outcome of a join from a phone whose `open` ticket is in line. */
function alreadyInLine(open: TicketRecord, timezone: string, now: Date): JoinOutcome {
  return { kind: 'already', ticket: toTicketView(open), nextDay: waitsForNextOpenDay(open, timezone, now), serviceDay: open.serviceDay };
}

function cleanNote(note: string | null): string | null {
  if (note === null) return null;
  const clean = cleanFreeText(note);
  return clean === '' ? null : clean;
}
