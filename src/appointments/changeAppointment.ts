/**
 * Staff's (and a patient's CANCEL word's) changes to an appointment, sent to its chain as updates so
 * the caller learns the true outcome: move, cancel, remind now, visited, no-show.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { AppError } from '../errors.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import {
  cancelAppointmentUpdate,
  markNoShowUpdate,
  markVisitedUpdate,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type AppointmentView,
  type CancelledView,
} from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import type { Appointment } from './appointments.js';

/**
 * Sends an update to `appointment`'s chain with `send` (e.g. `(h) => h.executeUpdate(markNoShowUpdate)`),
 * waiting at most 5 s; `what` names the change in errors ("cancelling appointment 12"), `field` the
 * request field its argument came from (`starts_at`), if any.
 * @returns the chain's view after the change (a cancel's also says whether the patient is texted).
 * @throws AppError conflict when the chain refuses it for the appointment's state (cancelled, visited,
 *   already started); bad_request naming `field` for an argument it cannot act on (a past follow-up
 *   date); unavailable when Temporal or a worker does not answer in time, or a step of the change failed.
 */
export async function changeAppointment<V extends AppointmentView>(
  deps: { temporal: Client },
  appointment: Pick<Appointment, 'id' | 'workflowId' | 'status'>,
  what: string,
  send: (handle: WorkflowHandle) => Promise<V>,
  field?: string,
): Promise<V> {
  try {
    return await callWithinDeadline(deps.temporal, what, () => send(deps.temporal.workflow.getHandle(appointment.workflowId)));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      if (error.cause.type === FailureType.IllegalTransition) throw new AppError('conflict', error.cause.message, 'status');
      if (error.cause.type === FailureType.InvalidRequest)
        throw new AppError('bad_request', field === undefined ? error.cause.message : `${field}: ${error.cause.message}`, field);
    }
    // The failing step's own message (an activity's, a database's) is for the chain's history, not the caller.
    if (error instanceof WorkflowUpdateFailedError)
      throw new AppError('unavailable', `${what} did not complete: a step of it failed (the chain's workflow history says which); try again shortly`);
    if (error instanceof WorkflowNotFoundError)
      throw new AppError('conflict', `appointment ${appointment.id} is ${appointment.status}: its reminders have ended`, 'status');
    throw error;
  }
}

/**
 * One staff change as `changeAppointment` takes it: `what` names it in errors, `send` sends its update,
 * `field` names the request field its argument came from, `arguments` are what it asks as the JSON
 * API names them (`starts_at` as ISO 8601 UTC, `follow_up_date`), for its idempotency key's check
 * (src/api/idempotencyKey.ts).
 */
export interface StaffChange<V extends AppointmentView = AppointmentView> {
  what: string;
  send: (handle: WorkflowHandle) => Promise<V>;
  field?: string;
  arguments: Record<string, string | undefined>;
}

/**
 * Staff's changes to appointment `a` (the JSON API's and the board's, so both ask the chain the same
 * thing): move to `startsAt`, cancel (the patient is told, unless never texted about the booking:
 * `CancelledView`), remind now, visited with an optional clinic-local follow-up date (`YYYY-MM-DD`), no-show. `updateId` (from an idempotency key, see
 * src/api/idempotencyKey.ts) makes a repeat of the same change answer the first one's outcome;
 * without it every call is a new change.
 */
export const staffChanges = {
  move: (a: Pick<Appointment, 'id'>, startsAt: Date, updateId?: string): StaffChange => ({
    what: `moving appointment ${a.id}`,
    field: 'starts_at',
    arguments: { starts_at: startsAt.toISOString() },
    send: (h) => h.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: startsAt.toISOString() }], updateId }),
  }),
  cancel: (a: Pick<Appointment, 'id'>, updateId?: string): StaffChange<CancelledView> => ({
    what: `cancelling appointment ${a.id}`,
    arguments: {},
    send: (h) => h.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }], updateId }),
  }),
  remind: (a: Pick<Appointment, 'id'>, updateId?: string): StaffChange => ({
    what: `reminding appointment ${a.id}`,
    arguments: {},
    send: (h) => h.executeUpdate(remindNowUpdate, { updateId }),
  }),
  visited: (a: Pick<Appointment, 'id'>, followUpDate: string | undefined, updateId?: string): StaffChange => ({
    what: `marking appointment ${a.id} visited`,
    field: 'follow_up_date',
    arguments: { follow_up_date: followUpDate },
    send: (h) => h.executeUpdate(markVisitedUpdate, { args: [followUpDate === undefined ? {} : { followUpDate }], updateId }),
  }),
  noShow: (a: Pick<Appointment, 'id'>, updateId?: string): StaffChange => ({
    what: `marking appointment ${a.id} a no-show`,
    arguments: {},
    send: (h) => h.executeUpdate(markNoShowUpdate, { updateId }),
  }),
};
