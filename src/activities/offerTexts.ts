/**
 * The offer workflow's texts: a round's offers and the `offer_taken` / `offer_withdrawn` notices, each
 * sent once on the patient's channel and in their language (key `offer:<id>` for the offer,
 * `offer:<id>:<kind>` for a notice), nothing to an opted-out number.
 *
 * Holds that start from the text (`sendOfferTextPass`, `giveUpOfferTexts`, for runs with
 * `patched('offer-hold-from-text')`): a pass tries each of a round's texts once and reports which
 * went, which Twilio refused for good and which to try again (throttled, failed or unanswered); the
 * workflow times the next pass. Once an offer's text went, its hold is written as `sent_at` (when
 * Twilio took it, in the message log) plus the hold's minutes, on the offer and on its patient's
 * YES / NO prompt, and the workflow is told how much of it is left.
 */
import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import { getClinicById } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { isFinalStatus } from '../domain/deliveryFallback.js';
import type { OfferKind } from '../domain/messageTemplates.js';
import type { Messenger } from '../messaging/messenger.js';
import { giveUpUnsentText, sendState, withdrawUnsentText } from '../messaging/unsentDeliveries.js';
import { FailureType } from '../workflows/definitions.js';
import type { OfferState } from '../workflows/offerDefinitions.js';
import { findSlot, providerInactive, slotValues } from './offerSlots.js';
import { failPermanentErrorsFast } from './permanentFailures.js';
import { deliverText } from './textDelivery.js';

/** Final message statuses of a text that never arrived. */
const UNDELIVERED = ['failed', 'undelivered'];

/** An offer whose text went, with how much of its hold is left (ms) when the activity returns: the hold ran from when Twilio took the text. */
export interface OfferHeld {
  offerId: string;
  holdLeftMs: number;
}

/** What one pass over a round's texts did (`sendOfferTextPass`); each offer given is in exactly one list. */
export interface OfferTextPass {
  /** Went now or before (Twilio took it): the hold runs from then. */
  sent: OfferHeld[];
  /** Will not go: the number opted out, Twilio refused it for good, or it came back failed. */
  failed: string[];
  /** Twilio throttled it, failed it (5xx) or its answer was lost: to be tried again by the next pass. */
  retry: string[];
  /** Its offer ended before its text went: not sent, ended `canceled` in the message log. */
  dropped: string[];
  /** The longest wait Twilio asked for (a 429's or 503's `Retry-After`, ms), or null. */
  retryAfterMs: number | null;
}

/**
 * How far Temporal's clock, the workflow's, runs ahead of this process's in the running activity
 * attempt (ms): 0 in production, where both are the wall clock (an attempt starts after it was
 * scheduled); a time-skipping test server's skipped time otherwise. Holds are written on the
 * workflow's clock, as `makeOffers` writes them. 0 outside an activity.
 */
function workflowClockAheadMs(): number {
  const info = asyncLocalStorage.getStore()?.info;
  return info === undefined ? 0 : Math.max(0, info.currentAttemptScheduledTimestampMs - Date.now());
}

/**
 * Ends the text of offer `offerId` that its sender gives up on, in the message log: `failed` while the
 * offer is pending, `canceled` once it has ended (no longer needed); ended first, then read, so no later
 * try sends it. Idempotent.
 * @returns its message-log key and whether Twilio had taken it after all.
 * @throws Error (retryable) while a try of it waits for Twilio's answer (up to `TRY_LEASE_MS`): one taken then counts as sent.
 */
async function endUnsentOfferText(sql: Sql, offerId: string): Promise<{ key: string; taken: boolean }> {
  const key = `offer:${offerId}`;
  const [offer] = await sql<{ state: OfferState }[]>`select state from offers where id = ${offerId}`;
  if (offer?.state === 'pending') await giveUpUnsentText(sql, key);
  else await withdrawUnsentText(sql, key);
  const state = await sendState(sql, key);
  if (state === 'trying') throw new Error(`the text of offer ${offerId} is still waiting for Twilio's answer to a try`);
  return { key, taken: state === 'taken' };
}

/** Input of a pass (`sendOfferTextPass`) or of giving up (`giveUpOfferTexts`) over offers of one workflow's round. */
export interface OfferTextsInput {
  /** The offer workflow's ID: its patients' YES / NO prompts are under it. */
  workflowId: string;
  offerIds: string[];
  /** Minutes each offer holds from its text (the text says so). */
  holdMinutes: number;
}

/** The offer text activities (`sendOfferTexts`, `sendOfferNotice`), bound to a Postgres pool and a messenger. */
export function createOfferTextActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  /** Sends the offer text of `kind` for offer `offerId` once (key `offer:<id>` for the offer itself, `offer:<id>:<kind>` for a notice); nothing to an opted-out number. */
  const sendOfferText = async (offerId: string, kind: OfferKind, holdMinutes?: number, sendUntil?: Date) => {
    const [offer] = await sql<{ cancellation_id: string; phone: string; channel: 'sms' | 'whatsapp'; language: string }[]>`
      select cancellation_id::text, phone, channel, language from offers where id = ${offerId}`;
    if (offer === undefined) throw ApplicationFailure.nonRetryable(`no offer ${offerId}`, FailureType.InvalidData);
    const slot = await findSlot(sql, offer.cancellation_id);
    return deliverText(sql, messenger, {
      clinic: await getClinicById(sql, slot.clinic_id),
      phone: offer.phone,
      channel: offer.channel,
      kind,
      language: offer.language,
      values: slotValues(slot, holdMinutes),
      idempotencyKey: kind === 'offer' ? `offer:${offerId}` : `offer:${offerId}:${kind}`,
      links: { offerId },
      ...(sendUntil === undefined ? {} : { sendUntil }),
    });
  };

  /**
   * Throws ProviderInactive (non-retryable, nothing sent) when the slot of `offerIds` (one round of one
   * cancellation) has an inactive provider and none of their texts was logged yet.
   */
  const checkProvider = async (offerIds: string[]) => {
    const keys = offerIds.map((id) => `offer:${id}`);
    const [round] = await failPermanentErrorsFast(
      'sendOfferTexts',
      () =>
        sql<{ id: string; provider_id: number; go: boolean }[]>`
        select c.id::text, c.provider_id, p.active or exists (select 1 from messages m where m.idempotency_key = any(${keys})) as go
        from offers o join cancellation_events c on c.id = o.cancellation_id join providers p on p.id = c.provider_id
        where o.id = ${offerIds[0]!}`,
    );
    if (round?.go === false) throw providerInactive(round);
  };

  /** Writes `texted_at` (its text's `sent_at`) on those of `offerIds` whose text Twilio took; their holds stay as made (runs before `offer-hold-from-text`). */
  const markTexted = async (offerIds: string[]) => {
    await sql`
      update offers o set texted_at = m.sent_at from messages m
      where o.id = any(${offerIds}::bigint[]) and o.texted_at is null and m.idempotency_key = 'offer:' || o.id::text and m.provider_sid is not null`;
  };

  /**
   * Starts the holds of those of `offerIds` whose text Twilio took: each holds `holdMinutes` from its
   * text's `sent_at`, on the workflow's clock (`clockAheadMs`, see `workflowClockAheadMs`), written on
   * the pending offer (with `texted_at`, which an ended one gets too) and its patient's open prompt of
   * `workflowId` (idempotent: the same end each time).
   * @returns each such offer with the ms of its hold left now (0 once over).
   */
  const startHolds = async ({ workflowId, offerIds, holdMinutes }: OfferTextsInput, clockAheadMs: number): Promise<OfferHeld[]> => {
    if (offerIds.length === 0) return [];
    // In SQL throughout: the ends keep sent_at's microseconds. The hold and texted_at in one write, so the page never shows one without the other.
    const held = await sql<{ id: string; left_ms: number }[]>`
      with texted as (
        select o.id, o.phone, m.sent_at, m.sent_at + make_interval(mins => ${holdMinutes}, secs => ${clockAheadMs / 1000}) as hold_end
        from offers o join messages m on m.idempotency_key = 'offer:' || o.id::text and m.provider_sid is not null
        where o.id = any(${offerIds}::bigint[])),
      offer_holds as (
        update offers o set texted_at = t.sent_at, hold_expires_at = case when o.state = 'pending' then t.hold_end else o.hold_expires_at end
        from texted t where o.id = t.id),
      prompt_holds as (
        update patient_prompts p set expires_at = t.hold_end from texted t
        where p.workflow_id = ${workflowId} and p.phone = t.phone and p.closed_at is null)
      select id::text, greatest(0, extract(epoch from hold_end - clock_timestamp() - make_interval(secs => ${clockAheadMs / 1000})) * 1000)::float8 as left_ms
      from texted`;
    return offerIds.flatMap((offerId) => {
      const offer = held.find((h) => h.id === offerId);
      return offer === undefined ? [] : [{ offerId, holdLeftMs: Math.round(offer.left_ms) }];
    });
  };

  return {
    /**
     * Texts each of `offerIds` (one round's offers, of one cancellation) that is still pending its
     * offer, on the patient's channel and in their language, once per offer.
     * @returns the offers whose text did not go (the number opted out, or the provider refused it for
     *   good: `MessageRejected`, logged `failed` with its error code) or already came back failed; a
     *   refusal of one text never fails the round, whose other texts go.
     * @throws ApplicationFailure `ProviderInactive` (non-retryable, nothing sent) when the slot's
     *   provider is inactive before any of the round's texts was logged. A deactivation that commits
     *   after this check is followed by its abort, which finds the round's offers in the workflow and
     *   withdraws them; a retry of a round that began going out finishes it for the same reason.
     */
    async sendOfferTexts(input: { offerIds: string[]; holdMinutes: number }): Promise<string[]> {
      if (input.offerIds.length === 0) return [];
      await checkProvider(input.offerIds);
      // All at once: a batch's patients get the slot in the same moment, whatever the batch size.
      const failed = await Promise.all(
        input.offerIds.map(async (offerId) => {
          const [offer] = await sql<{ state: OfferState }[]>`select state from offers where id = ${offerId}`;
          if (offer?.state !== 'pending') {
            // Ended while its text waited for a retry (the round overtaken): that text never goes, and the log says so.
            await withdrawUnsentText(sql, `offer:${offerId}`);
            return false;
          }
          let delivered: Awaited<ReturnType<typeof sendOfferText>>;
          try {
            delivered = await sendOfferText(offerId, 'offer', input.holdMinutes);
          } catch (error) {
            // Refused for good (an invalid number, a WhatsApp template refused; logged `failed` with
            // its error code): this patient's place goes to the next, the rest of the round still goes.
            if (error instanceof ApplicationFailure && error.type === FailureType.MessageRejected) return true;
            throw error;
          }
          const { sent, channel } = delivered;
          if (sent.outcome === 'suppressed') return true;
          const receipts = await sql<{ status: string }[]>`select status from message_status_events where provider_sid = ${sent.messageSid}`;
          return receipts.some((r) => isFinalStatus(channel, r.status) && UNDELIVERED.includes(r.status));
        }),
      );
      await markTexted(input.offerIds);
      return input.offerIds.filter((_, i) => failed[i]);
    },

    /**
     * Settles the offer texts of a round whose `sendOfferTexts` failed (Twilio throttled or failed them
     * until its retries ran out): each text of `offerIds` Twilio has not taken will not go, and is
     * ended in the message log, `failed` (with Twilio's last answer) while its offer is pending,
     * `canceled` once the offer has ended (no longer needed). A text whose last try is still waiting for
     * Twilio's answer (the activity timed out during it: `trying_until`) is not ended: this fails
     * (retryable) until the try has its answer, so a text Twilio takes then counts as sent and its offer
     * stands. Idempotent: a retry finds them ended.
     * @returns the offers whose text did not go (not taken by Twilio, or never logged), in `offerIds`' order.
     * @throws Error (retryable) while a try of one of them waits for Twilio's answer (up to `TRY_LEASE_MS`).
     */
    async settleUnsentOfferTexts(input: { offerIds: string[] }): Promise<string[]> {
      return failPermanentErrorsFast('settleUnsentOfferTexts', async () => {
        const unsent: string[] = [];
        for (const offerId of input.offerIds) if (!(await endUnsentOfferText(sql, offerId)).taken) unsent.push(offerId);
        await markTexted(input.offerIds);
        return unsent;
      });
    },

    /**
     * One pass over a round's texts (runs with `offer-hold-from-text`): tries once each of `offerIds`
     * whose offer is pending, all at once, until `sendUntil` (ISO 8601: the workflow's last pass; past
     * it a failed try ends the text `failed`), and starts the hold of each that went (`startHolds`). A
     * text Twilio throttled, failed or left unanswered is reported for the next pass, which the workflow
     * times (after `retryAfterMs` when Twilio named a wait); an ended offer's untaken text is withdrawn.
     * @throws ApplicationFailure `ProviderInactive` as `sendOfferTexts`; `InvalidData` for a write that
     *   can never succeed; anything else (Postgres away) is retried.
     */
    async sendOfferTextPass(input: OfferTextsInput & { sendUntil: string }): Promise<OfferTextPass> {
      const clockAheadMs = workflowClockAheadMs();
      const pass: OfferTextPass = { sent: [], failed: [], retry: [], dropped: [], retryAfterMs: null };
      if (input.offerIds.length === 0) return pass;
      await checkProvider(input.offerIds);
      const sendUntil = new Date(input.sendUntil);
      const went: string[] = [];
      const outcomes = await Promise.all(
        input.offerIds.map(async (offerId): Promise<'went' | 'failed' | 'dropped' | { retryAfterMs: number | null }> => {
          const [offer] = await sql<{ state: OfferState }[]>`select state from offers where id = ${offerId}`;
          if (offer?.state !== 'pending') {
            await withdrawUnsentText(sql, `offer:${offerId}`);
            return (await sendState(sql, `offer:${offerId}`)) === 'taken' ? 'went' : 'dropped';
          }
          let delivered: Awaited<ReturnType<typeof sendOfferText>>;
          try {
            delivered = await sendOfferText(offerId, 'offer', input.holdMinutes, sendUntil);
          } catch (error) {
            if (error instanceof ApplicationFailure && error.type === FailureType.MessageRejected) return 'failed';
            if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
            // Throttled (429), failed (5xx) or unanswered: the message log keeps Twilio's answer, the next pass tries again.
            const retryAfterMs =
              error instanceof ApplicationFailure && error.type === FailureType.ProviderBusy ? ((error.nextRetryDelay as number | undefined) ?? null) : null;
            return { retryAfterMs };
          }
          const { sent, channel } = delivered;
          if (sent.outcome === 'suppressed') return 'failed';
          const receipts = await sql<{ status: string }[]>`select status from message_status_events where provider_sid = ${sent.messageSid}`;
          return receipts.some((r) => isFinalStatus(channel, r.status) && UNDELIVERED.includes(r.status)) ? 'failed' : 'went';
        }),
      );
      input.offerIds.forEach((offerId, i) => {
        const outcome = outcomes[i]!;
        if (outcome === 'went') went.push(offerId);
        else if (outcome === 'failed') pass.failed.push(offerId);
        else if (outcome === 'dropped') pass.dropped.push(offerId);
        else {
          pass.retry.push(offerId);
          if (outcome.retryAfterMs !== null) pass.retryAfterMs = Math.max(pass.retryAfterMs ?? 0, outcome.retryAfterMs);
        }
      });
      pass.sent = await startHolds({ ...input, offerIds: went }, clockAheadMs);
      return pass;
    },

    /**
     * Gives up on the texts of `offerIds` that the passes could not send within their budget (runs
     * with `offer-hold-from-text`): each Twilio has not taken is ended in the message log (`failed`
     * while its offer is pending, `canceled` once it ended), then one whose last try went unanswered is
     * looked up at Twilio (`Messenger.adoptLostText`): a text Twilio made is adopted (sent) and its
     * offer held from now, so the offer and its message never disagree. Idempotent.
     * @returns the offers whose text went after all (with their holds left), and those whose text did not.
     * @throws Error (retryable) while a try of one of them waits for Twilio's answer (up to `TRY_LEASE_MS`).
     */
    async giveUpOfferTexts(input: OfferTextsInput): Promise<{ sent: OfferHeld[]; unsent: string[] }> {
      const clockAheadMs = workflowClockAheadMs();
      const went: string[] = [];
      const unsent: string[] = [];
      for (const offerId of input.offerIds) {
        const { key, taken } = await endUnsentOfferText(sql, offerId);
        if (taken || (await messenger.adoptLostText(key)) !== undefined) went.push(offerId);
        else unsent.push(offerId);
      }
      return { sent: await startHolds({ ...input, offerIds: went }, clockAheadMs), unsent };
    },

    /**
     * Texts offer `offerId` the `offer_taken` or `offer_withdrawn` notice once; nothing to an opted-out
     * number, nor to a patient whose offer text never went (the provider never took it: a round ended
     * while its texts were going): they never heard of the slot, so there is nothing to take back.
     */
    async sendOfferNotice(input: { offerId: string; kind: 'offer_taken' | 'offer_withdrawn' }): Promise<void> {
      const [offered] = await sql`select 1 from messages where idempotency_key = ${`offer:${input.offerId}`} and provider_sid is not null`;
      if (offered === undefined) return;
      await sendOfferText(input.offerId, input.kind);
    },
  };
}
