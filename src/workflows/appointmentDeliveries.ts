/**
 * The delivery of an appointment chain's messages, in attempts that fall back by delivery receipt
 * (rules in src/domain/deliveryFallback.ts): each attempt sent waits in the chain's state
 * (`awaiting`) for its final receipt (the `deliveryReceipt` signal) or RECEIPT_WAIT_MS; a settled
 * attempt queues the next one, if any, at the front of the owed messages. Workflow code: bundled into
 * the sandbox with appointmentWorkflow.ts, deterministic, no Node imports.
 */
import { ActivityFailure, ApplicationFailure, log, patched, proxyActivities, TemporalFailure } from '@temporalio/workflow';
import type { AppointmentActivities } from '../activities/appointments.js';
import { firstChannel, isFinalStatus, nextAttempt, REFUSED_STATUS, UNPLACED_STATUS } from '../domain/deliveryFallback.js';
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
/** The patch that texts a reminder whose call Twilio never placed (the call activity's tries ran out), as an unanswered call is texted. */
const UNPLACED_CALL_PATCH = 'unplaced-call-falls-back';

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

/**
 * Whether `error`, a call activity's failure, means Twilio never placed the call: its
 * tries ran out or timed out on Twilio's 429s, 5xx or silence. Not a failure of our own data
 * (`InvalidData`, e.g. the row gone), which no text would get past either.
 */
const unplaced = (error: TemporalFailure): boolean => {
  const cause = error.cause;
  return (
    error instanceof ActivityFailure &&
    !(cause instanceof ApplicationFailure && (cause.type === FailureType.InvalidData || cause.type === FailureType.MessageRejected))
  );
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
  // The message whose attempt's activity is running; also in `droppedWhileSent` once dropped meanwhile
  // (`dropWhere`): an attempt that then fails falls back only if it was not.
  let sending: OwedMessage | undefined;
  const droppedWhileSent = new Set<OwedMessage>();

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
    if (sending !== undefined && test(sending)) droppedWhileSent.add(sending);
    const kept = awaiting.filter((w) => !test(w.message));
    awaiting.splice(0, awaiting.length, ...kept);
  };

  /** One attempt of `message`; a sent one waits for its receipt in `awaiting`. */
  const deliver = async (message: OwedMessage) => {
    const channel = message.retry?.channel ?? firstChannel(a.channel, message.kind);
    const made = { message, channel, calls: message.retry?.calls ?? 0, sid: '', deadline: 0 };
    sending = message;
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
      // A call Twilio never placed (429s or 5xx until its tries ran out): texted, unless its question was
      // answered or asked again meanwhile. Chains from before the patch went on with nothing sent.
      if (channel === 'voice' && unplaced(error) && !droppedWhileSent.has(message) && patched(UNPLACED_CALL_PATCH)) {
        fallBack(made, { sid: '', status: UNPLACED_STATUS, errorCode: null });
      }
    } finally {
      sending = undefined;
      droppedWhileSent.clear();
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
