/**
 * LEAVE: takes a patient's open ticket out of the walk-in line (`waiting` or `next` → `left`) through
 * its workflow. A ticket in a room stays: the patient is being seen.
 */
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { QueueDeps } from './joinQueue.js';
import { findOpenTicketByPhone } from './readQueue.js';
import { transitionTicket } from './transitionTicket.js';

/** What a LEAVE did: `left` the line with ticket `code`, `in_room` (ticket `code` is being seen), or `not_in_line`. */
export type LeaveOutcome = { kind: 'left'; code: string } | { kind: 'in_room'; code: string } | { kind: 'not_in_line' };

/**
 * Takes the open ticket of `phone` (E.164) at clinic `clinicId` out of the line.
 * @throws what Temporal's client throws when the ticket's workflow cannot be reached.
 */
export async function leaveQueue(deps: Pick<QueueDeps, 'sql' | 'temporal'> & { log: Logger }, clinicId: number, phone: string): Promise<LeaveOutcome> {
  const ticket = await findOpenTicketByPhone(deps.sql, clinicId, phone);
  if (ticket === undefined) return { kind: 'not_in_line' };
  if (ticket.state === 'in_room') return { kind: 'in_room', code: ticket.code };
  try {
    await transitionTicket(deps, ticket, 'left', 'patient');
  } catch (error) {
    // The ticket closed between the read and the update (called in, or the day ended).
    if (!(error instanceof AppError)) throw error;
    deps.log.info({ code: ticket.code, reason: error.message }, 'LEAVE refused');
    const now = await findOpenTicketByPhone(deps.sql, clinicId, phone);
    return now === undefined ? { kind: 'not_in_line' } : { kind: 'in_room', code: now.code };
  }
  return { kind: 'left', code: ticket.code };
}
