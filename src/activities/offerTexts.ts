/**
 * The offer workflow's texts: a round's offers and the `offer_taken` / `offer_withdrawn` notices, each
 * sent once on the patient's channel and in their language (key `offer:<id>` for the offer,
 * `offer:<id>:<kind>` for a notice), nothing to an opted-out number.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { getClinicById } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { isFinalStatus } from '../domain/deliveryFallback.js';
import type { OfferKind } from '../domain/messageTemplates.js';
import type { Messenger } from '../messaging/messenger.js';
import { giveUpUnsentText, withdrawUnsentText } from '../messaging/unsentDeliveries.js';
import { FailureType } from '../workflows/definitions.js';
import type { OfferState } from '../workflows/offerDefinitions.js';
import { findSlot, providerInactive, slotValues } from './offerSlots.js';
import { failPermanentErrorsFast } from './permanentFailures.js';
import { deliverText } from './textDelivery.js';

/** Final message statuses of a text that never arrived. */
const UNDELIVERED = ['failed', 'undelivered'];

/** The offer text activities (`sendOfferTexts`, `sendOfferNotice`), bound to a Postgres pool and a messenger. */
export function createOfferTextActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  /** Sends the offer text of `kind` for offer `offerId` once (key `offer:<id>` for the offer itself, `offer:<id>:<kind>` for a notice); nothing to an opted-out number. */
  const sendOfferText = async (offerId: string, kind: OfferKind, holdMinutes?: number) => {
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
      const [first] = input.offerIds;
      if (first === undefined) return [];
      const keys = input.offerIds.map((id) => `offer:${id}`);
      const [round] = await failPermanentErrorsFast(
        'sendOfferTexts',
        () =>
          sql<{ id: string; provider_id: number; go: boolean }[]>`
          select c.id::text, c.provider_id, p.active or exists (select 1 from messages m where m.idempotency_key = any(${keys})) as go
          from offers o join cancellation_events c on c.id = o.cancellation_id join providers p on p.id = c.provider_id
          where o.id = ${first}`,
      );
      if (round?.go === false) throw providerInactive(round);
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
      return input.offerIds.filter((_, i) => failed[i]);
    },

    /**
     * Settles the offer texts of a round whose `sendOfferTexts` failed (Twilio throttled or failed them
     * until its retries ran out): each text of `offerIds` Twilio has not taken will not go, and is
     * ended in the message log, `failed` (with Twilio's last answer) while its offer is pending,
     * `canceled` once the offer has ended (no longer needed). Idempotent: a retry finds them ended.
     * @returns the offers whose text did not go (not taken by Twilio, or never logged), in `offerIds`' order.
     */
    async settleUnsentOfferTexts(input: { offerIds: string[] }): Promise<string[]> {
      return failPermanentErrorsFast('settleUnsentOfferTexts', async () => {
        const unsent: string[] = [];
        for (const offerId of input.offerIds) {
          const key = `offer:${offerId}`;
          const [offer] = await sql<{ state: OfferState }[]>`select state from offers where id = ${offerId}`;
          // Ended first, then read: no later try sends a text ended here.
          if (offer?.state === 'pending') await giveUpUnsentText(sql, key);
          else await withdrawUnsentText(sql, key);
          const [taken] = await sql`select 1 from messages where idempotency_key = ${key} and provider_sid is not null`;
          if (taken === undefined) unsent.push(offerId);
        }
        return unsent;
      });
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
