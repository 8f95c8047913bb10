/**
 * Waitlist offer activities: the offer workflow's picks of candidates and its texts, its writes of
 * offer and cancellation rows, the winner's booking, and the cancellation (and its offer workflow) a
 * cancelled appointment logs. Every one is idempotent: a send round is keyed by its number, each text by the offer and its
 * kind, the booking by the cancellation.
 *
 * A provider staff make inactive has no slot to give (`PATCH /api/providers/{id}`, which then aborts
 * their open cancellations). The abort can miss a workflow (not started yet, or Temporal not answering)
 * or reach it late (a YES came first), so a round, a batch's texts and the booking each check that the
 * provider is still active where they write, and refuse with the non-retryable `ProviderInactive`
 * (nothing written or sent): the workflow then withdraws the slot as an abort does.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { appointmentSnapshot } from '../appointments/bookAppointment.js';
import { getAppointment, insertAppointment } from '../appointments/appointments.js';
import { getClinicById, type Clinic } from '../clinics/clinics.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { resolvePatientLanguage } from '../clinics/patientLanguages.js';
import type { Sql } from '../db/sql.js';
import { isFinalStatus } from '../domain/deliveryFallback.js';
import type { OfferKind } from '../domain/messageTemplates.js';
import type { MessageValues } from '../domain/messageValues.js';
import { invitedOfferAnswers, OFFER_ANSWERS } from '../domain/offerAnswers.js';
import { rankByPriority } from '../domain/waitlistPriority.js';
import { closePrompt } from '../inbound/patientPrompts.js';
import type { Messenger } from '../messaging/messenger.js';
import { createCancellation } from '../waitlist/cancellations.js';
import { startOfferWorkflow } from '../waitlist/offerWorkflows.js';
import type { AppointmentSnapshot } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { answerOfferUpdate, type CancellationStatus, type OfferRecord, type OfferState } from '../workflows/offerDefinitions.js';
import { failPermanentErrorsFast } from './permanentFailures.js';
import { deliverText } from './textDelivery.js';

/** Prompt kind of an offer's YES / NO (for the logs and the help text). */
export const OFFER_PROMPT_KIND = 'waitlist_offer';

/** Final message statuses of a text that never arrived. */
const UNDELIVERED = ['failed', 'undelivered'];

/** Input of `makeOffers`: one send round of the workflow. */
export interface MakeOffersInput {
  cancellationId: string;
  workflowId: string;
  /** The workflow's round number: a retried round finds the offers it made. */
  round: number;
  batch: number;
  /** How many places are free in the batch. */
  count: number;
  /** When the new offers' holds end (ISO 8601): the workflow's clock plus the hold. */
  holdExpiresAt: string;
  /** The workflow's clock (ISO 8601), for ranking and the daily cap. */
  now: string;
  maxOffersPerDay: number;
}

/** An offer's state change to write; `answered` when the patient's reply made it. */
export interface OfferStateChange {
  offerId: string;
  state: Exclude<OfferState, 'pending'>;
  answered?: boolean;
}

interface SlotRow {
  id: string;
  clinic_id: number;
  provider_id: number;
  provider_type: string | null;
  location: string;
  slot_start_at: Date;
  slot_end_at: Date;
  status: CancellationStatus;
  appointment_id: string | null;
  filled_by_appointment_id: string | null;
}

/** The refusal of an offer step whose slot's provider staff have made inactive (see the module docstring). */
const providerInactive = (slot: Pick<SlotRow, 'id' | 'provider_id'>) =>
  ApplicationFailure.create({
    type: FailureType.ProviderInactive,
    message: `provider ${slot.provider_id} of cancellation ${slot.id} has been made inactive`,
    nonRetryable: true,
  });

async function findSlot(sql: Sql, cancellationId: string): Promise<SlotRow> {
  const [row] = await sql<SlotRow[]>`
    select c.id::text, c.clinic_id, c.provider_id, p.type as provider_type, c.location, c.slot_start_at, c.slot_end_at, c.status,
           c.appointment_id::text, c.filled_by_appointment_id::text
    from cancellation_events c join providers p on p.id = c.provider_id
    where c.id = ${cancellationId}`;
  if (row === undefined) throw ApplicationFailure.nonRetryable(`no cancellation ${cancellationId}`, FailureType.InvalidData);
  return row;
}

interface CandidateRow {
  entry_id: string;
  patient_id: string;
  phone: string;
  channel: 'sms' | 'whatsapp';
  urgent: boolean;
  manual_boost: number;
  current_appt_at: Date | null;
  joined_at: Date;
}

/**
 * The slot's eligible waitlist entries (issue 10, "The offer workflow"): active; not opted out;
 * preferring the slot's provider, or (naming none) its type or any; not offered this slot before;
 * holding no other pending offer; whose current appointment, if any, is later than the slot; and with
 * fewer than `maxOffersPerDay` offers sent in the clinic's day of `now`. An offer counts once its text
 * went (the provider took it: the message log holds its MessageSid); one ended before its text went (a
 * round refused, or overtaken by the cancellation's end) told the patient nothing and does not count.
 */
async function eligibleEntries(sql: Sql, slot: SlotRow, clinic: Clinic, now: Date, maxOffersPerDay: number): Promise<CandidateRow[]> {
  const day = DateTime.fromJSDate(now).setZone(clinic.timezone).startOf('day');
  return sql<CandidateRow[]>`
    select e.id::text as entry_id, e.patient_id::text, p.phone_e164 as phone, p.channel, e.urgent, e.manual_boost, e.current_appt_at, e.joined_at
    from waitlist_entries e join patients p on p.id = e.patient_id
    where e.clinic_id = ${slot.clinic_id} and e.active
      and not exists (select 1 from opt_outs o where o.clinic_id = e.clinic_id and o.phone = p.phone_e164)
      and case
            when exists (select 1 from waitlist_entry_providers wp where wp.entry_id = e.id)
              then exists (select 1 from waitlist_entry_providers wp where wp.entry_id = e.id and wp.provider_id = ${slot.provider_id})
            else e.provider_type_preference = 'Any' or e.provider_type_preference = ${slot.provider_type}
          end
      and not exists (select 1 from offers o where o.cancellation_id = ${slot.id} and o.patient_id = e.patient_id)
      and not exists (select 1 from offers o where o.patient_id = e.patient_id and o.state = 'pending')
      and (e.current_appt_at is null or e.current_appt_at > ${slot.slot_start_at})
      and (select count(*) from offers o
           where o.clinic_id = e.clinic_id and o.patient_id = e.patient_id
             and o.sent_at >= ${day.toJSDate()} and o.sent_at < ${day.plus({ days: 1 }).toJSDate()}
             and exists (select 1 from messages m where m.idempotency_key = 'offer:' || o.id and m.provider_sid is not null)) < ${maxOffersPerDay}`;
}

/** The values of an offer text: the slot's time and place only (no provider, service or name). */
const slotValues = (slot: SlotRow, holdMinutes?: number): MessageValues => ({
  startsAt: slot.slot_start_at,
  location: slot.location,
  ...(holdMinutes === undefined ? {} : { holdMinutes }),
});

/**
 * The offer activities, bound to a Postgres pool, a messenger, and a Temporal client and task queue
 * (on which `offerFreedSlot` starts offer workflows).
 */
export function createOfferActivities({ sql, messenger, temporal, taskQueue }: { sql: Sql; messenger: Messenger; temporal: Client; taskQueue: string }) {
  /** Sends the offer text of `kind` for offer `offerId` once (key `offer:<id>:<kind>`); nothing to an opted-out number. */
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
     * One round's offers: picks the `count` best eligible entries (`eligibleEntries`, ranked by
     * `rankByPriority` at `now`), records their offers (`pending`, this batch and round) and opens each
     * patient's YES / NO prompt until the hold ends; the texts go next (`sendOfferTexts`), so an answer
     * always finds its offer in the workflow. A retried round finds the offers it recorded.
     * @returns the round's offers with their ready replies, in the patient's language.
     * @throws ApplicationFailure `ProviderInactive` (non-retryable, nothing written) for a new round
     *   once the slot's provider is inactive, read under a share lock of their row: a deactivation
     *   commits either before the round or after its offers are written.
     */
    async makeOffers(input: MakeOffersInput): Promise<OfferRecord[]> {
      return failPermanentErrorsFast('makeOffers', async () => {
        const slot = await findSlot(sql, input.cancellationId);
        const clinic = await getClinicById(sql, slot.clinic_id);
        const holdExpiresAt = new Date(input.holdExpiresAt);
        const now = new Date(input.now);
        await sql.begin(async (tx) => {
          // The provider's row first, as every writer of their slots locks it (createCancellation, bookOfferedSlot).
          const [provider] = await tx<{ active: boolean }[]>`select active from providers where id = ${slot.provider_id} for share`;
          // One round at a time per cancellation: the round's offers are picked and written together.
          await tx`select 1 from cancellation_events where id = ${slot.id} for update`;
          const [made] = await tx`select 1 from offers where cancellation_id = ${slot.id} and round = ${input.round} limit 1`;
          if (made !== undefined) return;
          if (!provider!.active) throw providerInactive(slot);
          const eligible = await eligibleEntries(sql, slot, clinic, now, input.maxOffersPerDay);
          const ranked = rankByPriority(
            eligible.map((row) => ({ ...row, id: row.entry_id, manualBoost: row.manual_boost, currentApptAt: row.current_appt_at, joinedAt: row.joined_at })),
            now,
          );
          for (const c of ranked.slice(0, input.count)) {
            const language = await resolvePatientLanguage(sql, clinic, c.phone);
            await tx`
              insert into offers (clinic_id, cancellation_id, patient_id, entry_id, phone, channel, language, batch_number, round, hold_expires_at)
              values (${clinic.id}, ${slot.id}, ${c.patient_id}, ${c.entry_id}, ${c.phone}, ${c.channel}, ${language}, ${input.batch}, ${input.round},
                      ${holdExpiresAt})`;
            await tx`update patients set last_contacted_at = now() where id = ${c.patient_id}`;
            await tx`
              insert into patient_prompts (clinic_id, phone, workflow_id, update_name, kind, answers, invited, expires_at)
              values (${clinic.id}, ${c.phone}, ${input.workflowId}, ${answerOfferUpdate.name}, ${OFFER_PROMPT_KIND}, ${[...OFFER_ANSWERS]},
                      ${invitedOfferAnswers(language)}, ${holdExpiresAt})
              on conflict (workflow_id, phone) where closed_at is null do nothing`;
          }
        });
        const rows = await sql<{ id: string; phone: string; language: string; batch_number: number; state: OfferState; hold_expires_at: Date }[]>`
          select id::text, phone, language, batch_number, state, hold_expires_at from offers
          where cancellation_id = ${slot.id} and round = ${input.round} order by id`;
        const offers: OfferRecord[] = [];
        for (const row of rows) {
          const reply = async (kind: OfferKind) => (await renderMessage(sql, { clinic, kind, language: row.language, values: slotValues(slot) })).text;
          offers.push({
            offerId: row.id,
            phone: row.phone,
            batch: row.batch_number,
            state: row.state,
            holdExpiresAt: row.hold_expires_at.getTime(),
            replies: { won: await reply('offer_won'), taken: await reply('offer_taken'), declined: await reply('offer_declined') },
          });
        }
        return offers;
      });
    },

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
          if (offer?.state !== 'pending') return false;
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
     * Writes offers' new states as the workflow decided them (a retry changes nothing). The workflow is
     * the authority: a state written by a workflow task attempt that was never committed (a local
     * activity runs inside the task) is overwritten by the committed one's.
     */
    async recordOfferStates(changes: OfferStateChange[]): Promise<void> {
      await failPermanentErrorsFast('recordOfferStates', async () => {
        for (const change of changes) {
          await sql`
            update offers set state = ${change.state}, ended_at = now(), answered_at = case when ${change.answered ?? false} then now() else answered_at end
            where id = ${change.offerId} and state <> ${change.state}`;
        }
      });
    },

    /** Records that a patient answered offer `offerId` after it ended (a YES after the slot was taken). */
    async recordLateAnswer(offerId: string): Promise<void> {
      await failPermanentErrorsFast('recordLateAnswer', async () => {
        await sql`update offers set answered_at = coalesce(answered_at, now()) where id = ${offerId}`;
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

    /** Closes the workflow's open prompts (to every patient it asked, or only `phone`). */
    async closeOfferPrompts(input: { workflowId: string; phone?: string }): Promise<void> {
      await failPermanentErrorsFast('closeOfferPrompts', async () => {
        if (input.phone === undefined) await closePrompt(sql, input.workflowId);
        else await sql`update patient_prompts set closed_at = now() where workflow_id = ${input.workflowId} and phone = ${input.phone} and closed_at is null`;
      });
    },

    /**
     * Books the slot for the winner of offer `offerId`: a `booked` appointment with the slot's
     * provider, time and length, on the patient's channel and language, for the service `Waitlist visit`
     * (never the cancelled appointment's: that was another patient's reason); the winner's waitlist entry
     * is closed. Once per cancellation: a retry returns the same appointment. Written in one
     * transaction under the provider's row lock, as every booking of their time.
     * @returns the appointment's chain snapshot, to start its reminder chain with.
     * @throws ApplicationFailure `ProviderInactive` (non-retryable, nothing written; the entry stays
     *   active) when staff made the provider inactive before the slot was booked.
     */
    async bookOfferedSlot(input: { cancellationId: string; offerId: string }): Promise<AppointmentSnapshot> {
      return failPermanentErrorsFast('bookOfferedSlot', async () => {
        const slot = await findSlot(sql, input.cancellationId);
        const clinic = await getClinicById(sql, slot.clinic_id);
        const settings = await getClinicSettings(sql, clinic.id);
        const appointmentId = await sql.begin(async (tx) => {
          const [provider] = await tx<{ active: boolean }[]>`select active from providers where id = ${slot.provider_id} for update`;
          // Read after the lock, in a statement of its own: it sees what an attempt before this one committed.
          const [cancellation] = await tx<{ filled: string | null }[]>`
            select filled_by_appointment_id::text as filled from cancellation_events where id = ${slot.id}`;
          // Booked before the provider was made inactive (a retry): the booking stands, as their other appointments do.
          if (cancellation!.filled !== null) return cancellation!.filled;
          if (!provider!.active) throw providerInactive(slot);
          const [winner] = await tx<{ phone: string; channel: 'sms' | 'whatsapp'; language: string; display_name: string | null; entry_id: string }[]>`
            select o.phone, o.channel, o.language, p.display_name, o.entry_id::text from offers o join patients p on p.id = o.patient_id
            where o.id = ${input.offerId}`;
          if (winner === undefined) throw ApplicationFailure.nonRetryable(`no offer ${input.offerId}`, FailureType.InvalidData);
          const booked = await insertAppointment(tx, {
            clinicId: clinic.id,
            clinicSlug: clinic.slug,
            providerId: slot.provider_id,
            patientName: winner.display_name ?? 'Waitlist patient',
            phone: winner.phone,
            language: winner.language,
            // Not the cancelled appointment's service: that is the other patient's reason for their visit.
            service: 'Waitlist visit',
            channel: winner.channel,
            startsAt: slot.slot_start_at,
            durationMinutes: Math.max(5, Math.min(480, Math.round((slot.slot_end_at.getTime() - slot.slot_start_at.getTime()) / 60_000))),
          });
          // Attempts take the provider's row lock in turn, so the one that finds the slot unfilled fills it.
          await tx`update cancellation_events set filled_by_appointment_id = ${booked.id} where id = ${slot.id}`;
          await tx`update waitlist_entries set active = false, updated_at = now() where id = ${winner.entry_id}`;
          return booked.id;
        });
        return appointmentSnapshot(clinic, settings, await getAppointment(sql, clinic.id, appointmentId));
      });
    },

    /** Writes the cancellation's end: `filled`, `expired` or `aborted` (once: a retry changes nothing). */
    async recordCancellationStatus(input: { cancellationId: string; status: Exclude<CancellationStatus, 'open'> }): Promise<void> {
      await failPermanentErrorsFast('recordCancellationStatus', async () => {
        await sql`update cancellation_events set status = ${input.status}, ended_at = now() where id = ${input.cancellationId} and status = 'open'`;
      });
    },

    /**
     * Logs the slot of cancelled appointment `appointmentId` at `startsAt` (ISO 8601) as a
     * cancellation to offer, at the clinic's name as its location, and starts its offer workflow on
     * `taskQueue`; once per appointment and start (a retry finds both). Nothing when the slot has
     * begun by `now` (the chain's clock, ISO 8601), nor when staff have made its provider inactive:
     * a provider who no longer works at the clinic has no slot to give a waitlist patient.
     * @returns the offer workflow's ID, or null when nothing is offered.
     * @throws ApplicationFailure `InvalidData` (non-retryable) for an unknown appointment.
     */
    async offerFreedSlot(input: { appointmentId: string; startsAt: string; now: string }): Promise<string | null> {
      return failPermanentErrorsFast('offerFreedSlot', async () => {
        const [appointment] = await sql<{ clinic_id: number; provider_id: number; provider_active: boolean; duration_minutes: number }[]>`
          select a.clinic_id, a.provider_id, p.active as provider_active, a.duration_minutes
          from appointments a join providers p on p.id = a.provider_id where a.id = ${input.appointmentId}`;
        if (appointment === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${input.appointmentId}`, FailureType.InvalidData);
        const startsAt = new Date(input.startsAt);
        if (startsAt <= new Date(input.now) || !appointment.provider_active) return null;
        const clinic = await getClinicById(sql, appointment.clinic_id);
        const cancellation = await createCancellation(sql, clinic, {
          providerId: appointment.provider_id,
          location: clinic.name,
          slotStartAt: startsAt,
          slotEndAt: new Date(startsAt.getTime() + appointment.duration_minutes * 60_000),
          reason: 'appointment cancelled',
          createdBy: 'appointment',
          appointmentId: input.appointmentId,
        });
        await startOfferWorkflow({ sql, temporal, taskQueue }, clinic, cancellation);
        return cancellation.workflowId;
      });
    },
  };
}

/** The offer activities' interface, as the workflows proxy it. */
export type OfferActivities = ReturnType<typeof createOfferActivities>;
