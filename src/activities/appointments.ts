/**
 * Appointment activities: the chain's writes of its appointment row (the read model staff and the
 * CSV export read), the slot search and the atomic move, released slots for the waitlist, and the
 * chain's texts (rendered from the row, sent through the messenger once per idempotency key).
 * Every write is idempotent: a retry writes the same values again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { withdrawCallIfQuestionClosed } from '../calls/withdrawnCalls.js';
import { getClinicById } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { QUESTION_LINES, type LineKind } from '../domain/messageTemplates.js';
import type { MessageValues } from '../domain/messageValues.js';
import { openSlots, SLOT_SEARCH_DAYS } from '../domain/openSlots.js';
import { isFinalStatus, type DeliveryChannel } from '../domain/deliveryFallback.js';
import { isKnownLandline } from '../messaging/knownLandlines.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import type { AppointmentMessageKind, AppointmentStatus, DeliveryReceipt } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { callOrRejectPermanently, failPermanentErrorsFast, sendOrRejectPermanently } from './permanentFailures.js';
import { deliverText } from './textDelivery.js';

/** Input of `recordAppointmentState`: the chain's state to write. Instants ISO 8601; `followUpDate` `YYYY-MM-DD`. */
export interface RecordAppointmentStateInput {
  appointmentId: string;
  status: AppointmentStatus;
  startsAt: string;
  followUpDate: string | null;
  nextReminderAt: string | null;
}

/** Input of `recordNoOpenTimes`: when the patient was told no other time is open, and the start it concerned (ISO 8601). */
export interface RecordNoOpenTimesInput {
  appointmentId: string;
  startsAt: string;
  at: string;
}

/** Input of `recordNoTimeChosen`: the appointment whose list of open times lapsed, and the start it concerned (ISO 8601). */
export interface RecordNoTimeChosenInput {
  appointmentId: string;
  startsAt: string;
}

/** Input of `findOpenSlots`: the office hours to cut into slots, and the workflow's clock (epoch ms). */
export interface FindOpenSlotsInput {
  appointmentId: string;
  timezone: string;
  officeDays: number[];
  opens: string;
  closes: string;
  slotMinutes: number;
  now: number;
}

/** Input of `moveAppointment`: the new start (epoch ms). */
export interface MoveAppointmentInput {
  appointmentId: string;
  startsAt: number;
}

/** Input of `renderAppointmentMessage`; `slots` (epoch ms) for `reschedule_options`. */
export interface RenderAppointmentMessageInput {
  appointmentId: string;
  kind: AppointmentMessageKind;
  slots?: number[];
  /** A line written before the text (`slot_taken`: the time the patient picked was just taken). */
  first?: LineKind;
}

/** Input of `sendAppointmentMessage`; `idempotencyKey` is `appointment:<id>:<startsAt ISO>:<kind>[:<n>]`. */
export interface SendAppointmentMessageInput extends Omit<RenderAppointmentMessageInput, 'first'> {
  idempotencyKey: string;
  /**
   * The chain opened the reminder's question for this message: a kind whose wording does not ask it
   * (a staff move's `rescheduled`) ends with its question line (`QUESTION_LINES`). Absent: asks nothing.
   */
  opensPrompt?: boolean;
}

/**
 * Input of `deliverAppointmentMessage`: one attempt of a message on `channel`. `idempotencyKey` is
 * the attempt's (see `attemptKey`), `deliveryKey` the message's, shared by all its attempts.
 */
export interface DeliverAppointmentMessageInput extends SendAppointmentMessageInput {
  deliveryKey: string;
  channel: DeliveryChannel;
  /** Why this attempt goes on this channel (a fallback), for the message or call log. */
  note?: string;
  /** Skip the attempt when the number is known to be a landline (a text after unanswered calls). */
  requireMobile?: boolean;
}

/**
 * What an attempt did: sent (or placed) now or before, with the MessageSid / CallSid whose receipt
 * settles it and the channel it went on (WhatsApp without a template goes by SMS); or nothing, because
 * the number opted out (`suppressed`), takes no texts, or the question a call not yet placed would ask
 * has closed (`skipped`).
 */
export type DeliveryResult =
  | { outcome: 'sent' | 'already_sent'; channel: DeliveryChannel; sid: string; receipt?: DeliveryReceipt }
  | { outcome: 'suppressed' | 'skipped'; channel: DeliveryChannel };

interface AppointmentRow {
  id: string;
  clinic_id: number;
  patient_name: string;
  language: string;
  service: string;
  provider_id: number;
  provider_name: string;
  /** false once staff have made the provider inactive. */
  provider_active: boolean;
  phone: string;
  channel: 'sms' | 'whatsapp' | 'voice';
  starts_at: Date;
  duration_minutes: number;
  follow_up_date: string | null;
}

async function findAppointment(sql: Sql, appointmentId: string): Promise<AppointmentRow> {
  const [row] = await sql<AppointmentRow[]>`
    select a.id::text as id, a.clinic_id, a.patient_name, a.language, a.service, a.provider_id, p.name as provider_name, p.active as provider_active, a.phone, a.channel,
           a.starts_at, a.duration_minutes, a.follow_up_date::text as follow_up_date
    from appointments a join providers p on p.id = a.provider_id
    where a.id = ${appointmentId}`;
  if (row === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${appointmentId}`, FailureType.InvalidData);
  return row;
}

/**
 * The text of `kind` for the appointment as its row stands, in the patient's language, from the
 * clinic's templates (its own wording, else the shipped one: see messageTemplates.ts), with the lines
 * `first` before it and `then` after it, if given.
 */
async function render(
  sql: Sql,
  row: AppointmentRow,
  kind: AppointmentMessageKind,
  slots: readonly number[] = [],
  lines: { first?: LineKind | undefined; then?: LineKind | undefined } = {},
): Promise<string> {
  const clinic = await getClinicById(sql, row.clinic_id);
  const { first, then } = lines;
  const { text } = await renderMessage(sql, {
    clinic,
    kind,
    language: row.language,
    values: valuesOf(row, slots),
    ...(first === undefined ? {} : { first }),
    ...(then === undefined ? {} : { then }),
  });
  return text;
}

/** The line a message that opens the reminder's question ends with, if its kind's wording does not ask it itself. */
const questionLineOf = (input: SendAppointmentMessageInput): LineKind | undefined => (input.opensPrompt === true ? QUESTION_LINES[input.kind] : undefined);

/** The placeholder values of the appointment as its row stands; `slots` epoch ms. */
function valuesOf(row: AppointmentRow, slots: readonly number[] = []): MessageValues {
  return {
    patientName: row.patient_name,
    doctorName: row.provider_name,
    startsAt: row.starts_at,
    ...(row.follow_up_date === null ? {} : { followUpDate: row.follow_up_date }),
    slots: slots.map((slot) => new Date(slot)),
  };
}

/** The appointment activities, bound to a Postgres pool and a messenger. */
export function createAppointmentActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  return {
    /**
     * Writes the chain's state to the appointment row; the first time it is `confirmed`, also when
     * (`confirmed_at`, kept through a later visit or move, for the confirmation rate).
     * @returns false when there is no such row (its booking was refused and the row removed).
     * @throws ApplicationFailure `InvalidData` (non-retryable) when Postgres refuses it.
     */
    async recordAppointmentState(input: RecordAppointmentStateInput): Promise<boolean> {
      return failPermanentErrorsFast('recordAppointmentState', async () => {
        const updated = await sql`
          update appointments set status = ${input.status}, starts_at = ${input.startsAt}, follow_up_date = ${input.followUpDate},
            next_reminder_at = ${input.nextReminderAt}, updated_at = now(),
            confirmed_at = case when ${input.status} = 'confirmed' then coalesce(confirmed_at, now()) else confirmed_at end
          where id = ${input.appointmentId}`;
        return updated.count > 0;
      });
    },

    /**
     * Records the appointment's slot at `startsAt` (ISO 8601) as released, for the waitlist; once per
     * appointment and start.
     */
    async releaseSlot(input: { appointmentId: string; startsAt: string }): Promise<void> {
      await failPermanentErrorsFast('releaseSlot', async () => {
        await sql`
          insert into released_slots (clinic_id, provider_id, starts_at, duration_minutes, appointment_id)
          select clinic_id, provider_id, ${input.startsAt}, duration_minutes, id from appointments where id = ${input.appointmentId}
          on conflict (appointment_id, starts_at) do nothing`;
      });
    },

    /**
     * Records that the patient, who asked for another time, was told at `at` (ISO 8601, the chain's
     * clock) that none is open, while the appointment starts at `startsAt` (ISO 8601): staff are asked
     * to call them back (src/appointments/callBacks.ts). Written only while the row still starts then;
     * a retry writes the same values.
     */
    async recordNoOpenTimes(input: RecordNoOpenTimesInput): Promise<void> {
      await failPermanentErrorsFast('recordNoOpenTimes', async () => {
        await sql`
          update appointments set no_open_times_at = ${input.at}, no_open_times_starts_at = starts_at
          where id = ${input.appointmentId} and starts_at = ${input.startsAt}`;
      });
    },

    /**
     * Records that the list of open times last texted to the patient (the chain's latest
     * `reschedule_slots` question) lapsed without a choice, while the appointment starts at `startsAt`
     * (ISO 8601): staff are asked to call them back (src/appointments/callBacks.ts), from when the
     * list was asked. Kept on the row, not read from the question, which the retention purge deletes.
     * Written only while the row still starts then; a retry writes the same values.
     */
    async recordNoTimeChosen(input: RecordNoTimeChosenInput): Promise<void> {
      await failPermanentErrorsFast('recordNoTimeChosen', async () => {
        await sql`
          update appointments a set no_time_chosen_starts_at = a.starts_at, no_time_chosen_at = (
            select asked_at from patient_prompts where workflow_id = a.workflow_id and kind = 'reschedule_slots' order by asked_at desc, id desc limit 1
          )
          where a.id = ${input.appointmentId} and a.starts_at = ${input.startsAt}`;
      });
    },

    /**
     * Up to 5 free starts (epoch ms, ascending) of the appointment's provider for its length: office
     * hours minus the provider's open appointments (this one included: its own time is not "another
     * time") and minus the slots being offered to the waitlist (open cancellations: held for it until
     * they are filled, expire or are aborted). None when staff have made the provider inactive: a
     * provider who no longer works at the clinic has no time to offer (the patient is asked to call).
     */
    async findOpenSlots(input: FindOpenSlotsInput): Promise<number[]> {
      return failPermanentErrorsFast('findOpenSlots', async () => {
        const appointment = await findAppointment(sql, input.appointmentId);
        if (!appointment.provider_active) return [];
        const from = new Date(input.now);
        const until = new Date(input.now + (SLOT_SEARCH_DAYS + 1) * 24 * 60 * 60 * 1000);
        const taken = await sql<{ starts_at: Date; ends_at: Date }[]>`
          select starts_at, starts_at + duration_minutes * interval '1 minute' as ends_at from appointments
          where provider_id = ${appointment.provider_id} and status in ('booked', 'confirmed')
            and starts_at + duration_minutes * interval '1 minute' > ${from} and starts_at < ${until}
          union all
          select slot_start_at, slot_end_at from cancellation_events
          where provider_id = ${appointment.provider_id} and status = 'open' and slot_end_at > ${from} and slot_start_at < ${until}`;
        return openSlots({
          officeDays: input.officeDays,
          opens: input.opens,
          closes: input.closes,
          slotMinutes: input.slotMinutes,
          durationMinutes: appointment.duration_minutes,
          timezone: input.timezone,
          booked: taken.map((t) => ({ startsAt: t.starts_at.getTime(), endsAt: t.ends_at.getTime() })),
          now: input.now,
        });
      });
    },

    /**
     * Moves the appointment to `startsAt` (a time the patient picked) if its provider is still active
     * and no other open appointment of theirs overlaps it then, nor a slot of theirs being offered to
     * the waitlist (an open cancellation, whose winner is booked into it): checked and written in one
     * transaction holding the provider's row lock, so two patients picking the same slot cannot both
     * get it. A retry after a move finds it moved again.
     * @returns `moved`, or `taken` (nothing written; also when staff have made the provider inactive
     *   since the list was sent).
     */
    async moveAppointment(input: MoveAppointmentInput): Promise<'moved' | 'taken'> {
      return failPermanentErrorsFast('moveAppointment', () =>
        sql.begin(async (tx) => {
          const startsAt = new Date(input.startsAt);
          const [appointment] = await tx<{ provider_id: number; provider_active: boolean; duration_minutes: number }[]>`
            select a.provider_id, p.active as provider_active, a.duration_minutes from appointments a join providers p on p.id = a.provider_id
            where a.id = ${input.appointmentId} for update of a, p`;
          if (appointment === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${input.appointmentId}`, FailureType.InvalidData);
          if (!appointment.provider_active) return 'taken' as const;
          const endsAt = new Date(startsAt.getTime() + appointment.duration_minutes * 60_000);
          const [overlap] = await tx`
            select 1 from appointments
            where provider_id = ${appointment.provider_id} and id <> ${input.appointmentId} and status in ('booked', 'confirmed')
              and starts_at < ${endsAt} and starts_at + duration_minutes * interval '1 minute' > ${startsAt}
            union all
            select 1 from cancellation_events
            where provider_id = ${appointment.provider_id} and status = 'open' and slot_start_at < ${endsAt} and slot_end_at > ${startsAt}
            limit 1`;
          if (overlap !== undefined) return 'taken' as const;
          await tx`update appointments set starts_at = ${startsAt}, updated_at = now() where id = ${input.appointmentId}`;
          return 'moved' as const;
        }),
      );
    },

    /** The text of `kind` for the appointment as its row stands (a reply's text), after the line `first`, if given. */
    async renderAppointmentMessage(input: RenderAppointmentMessageInput): Promise<string> {
      return failPermanentErrorsFast('renderAppointmentMessage', async () =>
        render(sql, await findAppointment(sql, input.appointmentId), input.kind, input.slots, { first: input.first }),
      );
    },

    /**
     * Sends the text of `kind` on the appointment's channel, once per idempotency key: chains
     * scheduled it before the delivery fallback (`deliverAppointmentMessage`) and may still retry it.
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it, or
     *   the channel (`voice`) has no text sender.
     */
    async sendAppointmentMessage(input: SendAppointmentMessageInput): Promise<SendOutcome['outcome']> {
      const appointment = await failPermanentErrorsFast('sendAppointmentMessage', () => findAppointment(sql, input.appointmentId));
      if (appointment.channel === 'voice') throw ApplicationFailure.nonRetryable('voice appointments are not texted', FailureType.MessageRejected);
      const sent = await sendOrRejectPermanently(messenger, {
        clinicId: appointment.clinic_id,
        phone: appointment.phone,
        channel: appointment.channel,
        body: await render(sql, appointment, input.kind, input.slots, { then: questionLineOf(input) }),
        idempotencyKey: input.idempotencyKey,
      });
      return sent.outcome;
    },

    /**
     * One attempt of the message `kind` on `input.channel`, once per idempotency key: a call reads a
     * reminder (voice), with the attempt's reason (`note`) in the call log; WhatsApp sends the text inside the patient's 24-hour window and, outside it,
     * the clinic's approved template for the kind (no body), else goes by SMS with the reason in the
     * message log; SMS sends the text. A text that opens the reminder's question without asking it
     * (`opensPrompt`, a staff move's `rescheduled`) ends with its question line. Opted-out numbers get nothing.
     * Each try of a call Twilio has not placed first checks its question is still open: once the patient
     * has answered it by text or staff moved or cancelled the visit, it is withdrawn (`skipped`).
     * @returns the attempt's sid, whose final receipt the chain waits for (see DeliveryResult).
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it.
     */
    async deliverAppointmentMessage(input: DeliverAppointmentMessageInput): Promise<DeliveryResult> {
      const appointment = await failPermanentErrorsFast('deliverAppointmentMessage', () => findAppointment(sql, input.appointmentId));
      const { clinic_id: clinicId, phone } = appointment;
      if (input.channel === 'voice') {
        const call = { appointmentId: appointment.id, deliveryKey: input.deliveryKey, idempotencyKey: input.idempotencyKey };
        if (await withdrawCallIfQuestionClosed(sql, call)) return { outcome: 'skipped', channel: 'voice' };
        const placed = await callOrRejectPermanently(messenger, {
          clinicId,
          phone,
          language: appointment.language,
          idempotencyKey: input.idempotencyKey,
          appointmentId: appointment.id,
          deliveryKey: input.deliveryKey,
          ...(input.note === undefined ? {} : { note: input.note }),
        });
        if (placed.outcome === 'suppressed') return { outcome: 'suppressed', channel: 'voice' };
        const receipt = await finalReceiptSoFar(sql, 'voice', placed.callSid);
        return {
          outcome: placed.outcome === 'placed' ? 'sent' : 'already_sent',
          channel: 'voice',
          sid: placed.callSid,
          ...(receipt === undefined ? {} : { receipt }),
        };
      }
      if (input.requireMobile === true && (await isKnownLandline(sql, phone))) return { outcome: 'skipped', channel: input.channel };

      const then = questionLineOf(input);
      const { sent, channel } = await deliverText(sql, messenger, {
        clinic: await getClinicById(sql, clinicId),
        phone,
        channel: input.channel,
        kind: input.kind,
        ...(then === undefined ? {} : { then }),
        language: appointment.language,
        values: valuesOf(appointment, input.slots),
        idempotencyKey: input.idempotencyKey,
        ...(input.note === undefined ? {} : { note: input.note }),
        links: { appointmentId: appointment.id, deliveryKey: input.deliveryKey },
      });
      if (sent.outcome === 'suppressed') return { outcome: 'suppressed', channel };
      const receipt = await finalReceiptSoFar(sql, channel, sent.messageSid);
      return { outcome: sent.outcome, channel, sid: sent.messageSid, ...(receipt === undefined ? {} : { receipt }) };
    },
  };
}

/**
 * A final status callback that came before the sid was in our log (a fast provider): the status
 * webhook could not tell the chain, so the attempt's result carries it.
 */
async function finalReceiptSoFar(sql: Sql, channel: DeliveryChannel, sid: string): Promise<DeliveryReceipt | undefined> {
  const events =
    channel === 'voice'
      ? await sql<{ status: string; error_code: number | null; answered_by: string | null }[]>`
          select status, error_code, answered_by from call_status_events where call_sid = ${sid} order by id`
      : await sql<{ status: string; error_code: number | null; answered_by: null }[]>`
          select status, error_code, null as answered_by from message_status_events where provider_sid = ${sid} order by id`;
  const final = events.find((e) => isFinalStatus(channel, e.status));
  if (final === undefined) return undefined;
  return { sid, status: final.status, errorCode: final.error_code, ...(final.answered_by === null ? {} : { answeredBy: final.answered_by }) };
}

/** The appointment activities' interface, as the workflow proxies it. */
export type AppointmentActivities = ReturnType<typeof createAppointmentActivities>;
