/**
 * The delivery of an appointment chain's messages, in attempts that fall back by delivery receipt
 * (rules in src/domain/deliveryFallback.ts): each attempt sent waits in the chain's state
 * (`awaiting`) for its final receipt (the `deliveryReceipt` signal) or RECEIPT_WAIT_MS; a settled
 * attempt queues the next one, if any, at the front of the owed messages. Workflow code: bundled into
 * the sandbox with appointmentWorkflow.ts, deterministic, no Node imports.
 */
import { ApplicationFailure, log, patched, proxyActivities, TemporalFailure } from '@temporalio/workflow';
import type { AppointmentActivities } from '../activities/appointments.js';
import { firstChannel, isFinalStatus, nextAttempt, REFUSED_STATUS } from '../domain/deliveryFallback.js';
import {
  attemptKey,
  DEFAULT_CALL_RETRY_MINUTES,
  RECEIPT_WAIT_MS,
  type AppointmentChainState,
  type AppointmentSnapshot,
  type AwaitedReceipt,
  type DeliveryReceipt,
  type OwedMessage,
} from './appointmentDefinitions.js';
import { FailureType } from './definitions.js';

/** The patch that texts a reminder whose call the provider refused outright, as a refused WhatsApp message is texted. */
const CALL_REFUSAL_PATCH = 'call-refusal-falls-back';

/**
 * The provider's refusal `error` is (an activity failed `MessageRejected`: a 4xx, no number to call
 * from, …) with the error code it carries as its detail (null: none); undefined for any other failure
 * (e.g. retries used up while Twilio was down).
 */
const refusalOf = (error: TemporalFailure): { errorCode: number | null } | undefined => {
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureType.MessageRejected) return undefined;
  const code: unknown = cause.details?.[0];
  return { errorCode: typeof code === 'number' ? code : null };
};

const messaging = proxyActivities<Pick<AppointmentActivities, 'sendAppointmentMessage' | 'deliverAppointmentMessage'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: [FailureType.MessageRejected, FailureType.InvalidData] },
});

/** What the deliveries need from their chain. */
export interface DeliveryDeps {
  appointment: AppointmentSnapshot;
  /** The chain's state: its `owed` messages and `awaiting` attempts. */
  state: AppointmentChainState;
  /** Whether `message` still concerns the appointment as it stands (not moved or closed since). */
  current: (message: OwedMessage) => boolean;
  /** Called when a receipt settles an attempt, so the chain's loop wakes up. */
  changed: () => void;
}

/** An appointment chain's deliveries; see the module docstring. */
export function createDeliveries({ appointment: a, state: s, current, changed }: DeliveryDeps) {
  const awaiting = (s.awaiting ??= []);
  // Receipts that came before their attempt's activity returned its sid (a fast provider), by sid.
  const early = new Map<string, DeliveryReceipt>();
  const callRetryMs = (a.callRetryMinutes ?? DEFAULT_CALL_RETRY_MINUTES) * 60_000;

  /** Queues the attempt after `attempt` by its receipt (none: the wait ran out), if the message needs one. */
  const fallBack = (attempt: AwaitedReceipt, receipt: DeliveryReceipt | null) => {
    const next = nextAttempt({ kind: attempt.message.kind, channel: attempt.channel, calls: attempt.calls }, receipt);
    if (next === null || !current(attempt.message)) return;
    s.owed.unshift({
      ...attempt.message,
      retry: {
        channel: next.channel,
        attempt: (attempt.message.retry?.attempt ?? 1) + 1,
        calls: attempt.calls,
        notBefore: next.delayed ? Date.now() + callRetryMs : Date.now(),
        reason: next.reason,
        requireMobile: next.requireMobile,
      },
    });
  };

  /** Stops waiting for the receipts of the attempts whose message passes `test`: none of them falls back. */
  const dropWhere = (test: (message: OwedMessage) => boolean): void => {
    const kept = awaiting.filter((w) => !test(w.message));
    awaiting.splice(0, awaiting.length, ...kept);
  };

  /** One attempt of `message`; a sent one waits for its receipt in `awaiting`. */
  const deliver = async (message: OwedMessage) => {
    const channel = message.retry?.channel ?? firstChannel(a.channel, message.kind);
    const made = { message, channel, calls: message.retry?.calls ?? 0, sid: '', deadline: 0 };
    try {
      const result = await messaging.deliverAppointmentMessage({
        appointmentId: a.appointmentId,
        kind: message.kind,
        idempotencyKey: attemptKey(message.idempotencyKey, message.retry?.attempt ?? 1),
        deliveryKey: message.idempotencyKey,
        channel,
        ...(message.opensPrompt ? { opensPrompt: true } : {}),
        ...(message.retry === undefined ? {} : { note: message.retry.reason, requireMobile: message.retry.requireMobile }),
      });
      // Nothing more to do for a message the appointment no longer needs (moved or closed meanwhile).
      if ((result.outcome !== 'sent' && result.outcome !== 'already_sent') || !current(message)) return;
      const attempt: AwaitedReceipt = {
        ...made,
        channel: result.channel,
        calls: made.calls + (result.channel === 'voice' ? 1 : 0),
        sid: result.sid,
        deadline: Date.now() + RECEIPT_WAIT_MS,
      };
      // A final receipt that came before the sid was known: signalled early, or seen by the activity.
      const receipt = early.get(result.sid) ?? result.receipt;
      if (receipt !== undefined && isFinalStatus(attempt.channel, receipt.status)) attempt.receipt = receipt;
      awaiting.push(attempt);
    } catch (error) {
      if (!(error instanceof TemporalFailure)) throw error;
      log.warn('appointment message not sent', { kind: message.kind, channel, reason: error.cause?.message ?? error.message });
      // WhatsApp refused at once (e.g. not a WhatsApp number): the same as a failed receipt.
      if (channel === 'whatsapp') fallBack(made, { sid: '', status: 'failed', errorCode: null });
      // A call refused outright (e.g. 21215, 21217): texted instead. Chains from before the patch gave up.
      const refusal = channel === 'voice' ? refusalOf(error) : undefined;
      if (refusal !== undefined && patched(CALL_REFUSAL_PATCH)) fallBack(made, { sid: '', status: REFUSED_STATUS, errorCode: refusal.errorCode });
    }
  };

  return {
    /**
     * Sends `message` (one attempt). Chains that ran before the fallback (`patched('delivery-fallback')`
     * absent from their history) send it on the appointment's channel once, as they did. A message
     * that cannot be sent never stops the chain: the failure stays in history and the worker log.
     */
    async send(message: OwedMessage): Promise<void> {
      if (patched('delivery-fallback')) return deliver(message);
      try {
        await messaging.sendAppointmentMessage({
          appointmentId: a.appointmentId,
          kind: message.kind,
          idempotencyKey: message.idempotencyKey,
          ...(message.opensPrompt ? { opensPrompt: true } : {}),
        });
      } catch (error) {
        if (!(error instanceof TemporalFailure)) throw error;
        log.warn('appointment message not sent', { kind: message.kind, reason: error.cause?.message ?? error.message });
      }
    },

    /** The `deliveryReceipt` signal: marks the attempt it settles (the first final status wins). */
    receive(receipt: DeliveryReceipt): void {
      const attempt = awaiting.find((w) => w.sid === receipt.sid);
      if (attempt === undefined) {
        if (early.size < 50) early.set(receipt.sid, receipt);
        return;
      }
      if (attempt.receipt !== undefined || !isFinalStatus(attempt.channel, receipt.status)) return;
      attempt.receipt = receipt;
      changed();
    },

    /** Settles the attempts whose receipt came or whose wait ran out by `now` (epoch ms), queueing their next attempts. */
    settle(now: number): void {
      for (const attempt of awaiting.filter((w) => w.receipt !== undefined || w.deadline <= now)) {
        awaiting.splice(awaiting.indexOf(attempt), 1);
        early.delete(attempt.sid);
        fallBack(attempt, attempt.receipt ?? null);
      }
    },

    /** Stops waiting for the receipts of messages of these kinds (the appointment moved or closed). */
    drop(kinds: readonly OwedMessage['kind'][]): void {
      dropWhere((message) => kinds.includes(message.kind));
    },

    dropWhere,

    /** Attempts still waiting for a receipt. */
    get waiting(): number {
      return awaiting.length;
    },

    /** When each waiting attempt's wait runs out (epoch ms). */
    deadlines(): number[] {
      return awaiting.map((w) => w.deadline);
    },
  };
}
