/**
 * A deadline for Temporal calls a person stands waiting on (a kiosk join, a staff move): without a
 * worker an update waits for ever, and with Temporal down the client retries for ~20 s. The SMS
 * path does not use this: its reply has its own late-reply deadline (see the inbound handler).
 */
import { isGrpcCancelledError, isGrpcDeadlineError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { AppError } from '../errors.js';

/** How long a person waits on Temporal before a 503, in milliseconds. */
export const WAIT_DEADLINE_MS = 5_000;

/**
 * Runs `call` (one or more Temporal client calls) under a gRPC deadline `deadlineMs` from now
 * (`Client.withDeadline`). Work the server already holds (a started workflow, an admitted update)
 * still runs when a worker picks it up.
 * @throws AppError unavailable when the deadline passes or Temporal cannot be reached.
 */
export async function callWithinDeadline<T>(temporal: Client, what: string, call: () => Promise<T>, deadlineMs = WAIT_DEADLINE_MS): Promise<T> {
  try {
    return await temporal.withDeadline(Date.now() + deadlineMs, call);
  } catch (error) {
    const missed =
      error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      isGrpcDeadlineError(error) ||
      isGrpcCancelledError(error) ||
      isGrpcDeadlineError((error as Error).cause);
    if (missed) {
      throw new AppError(
        'unavailable',
        `${what} is taking too long: no worker is processing tickets right now, or Temporal is not answering. It will be done when one is back; check the board shortly.`,
      );
    }
    if (error instanceof ServiceError) throw new AppError('unavailable', `${what} failed: Temporal is not answering right now; try again shortly.`);
    throw error;
  }
}
