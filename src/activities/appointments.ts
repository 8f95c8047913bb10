/**
 * Appointment activities: the chain's writes of its appointment row (the read model staff and the
 * CSV export read), the slot search and the atomic move, released slots for the waitlist, and the
 * chain's texts (rendered from the row, sent through the messenger once per idempotency key).
 * Every write is idempotent: a retry writes the same values again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { getClinicById } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { openSlots, SLOT_SEARCH_DAYS } from '../domain/openSlots.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import type { AppointmentMessageKind, AppointmentStatus } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { failPermanentErrorsFast, sendOrRejectPermanently } from './permanentFailures.js';

/** Input of `recordAppointmentState`: the chain's state to write. Instants ISO 8601; `followUpDate` `YYYY-MM-DD`. */
export interface RecordAppointmentStateInput {
  appointmentId: string;
  status: AppointmentStatus;
  startsAt: string;
  followUpDate: string | null;
  nextReminderAt: string | null;
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
}

/** Input of `sendAppointmentMessage`; `idempotencyKey` is `appointment:<id>:<startsAt ISO>:<kind>[:<n>]`. */
export interface SendAppointmentMessageInput extends RenderAppointmentMessageInput {
  idempotencyKey: string;
}

interface AppointmentRow {
  clinic_id: number;
  patient_name: string;
  language: string;
  service: string;
  provider_id: number;
  provider_name: string;
  phone: string;
  channel: 'sms' | 'whatsapp' | 'voice';
  starts_at: Date;
  duration_minutes: number;
  follow_up_date: string | null;
}

async function findAppointment(sql: Sql, appointmentId: string): Promise<AppointmentRow> {
  const [row] = await sql<AppointmentRow[]>`
    select a.clinic_id, a.patient_name, a.language, a.service, a.provider_id, p.name as provider_name, a.phone, a.channel,
           a.starts_at, a.duration_minutes, a.follow_up_date::text as follow_up_date
    from appointments a join providers p on p.id = a.provider_id
    where a.id = ${appointmentId}`;
  if (row === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${appointmentId}`, FailureType.InvalidData);
  return row;
}

/**
 * The text of `kind` for the appointment as its row stands, in the patient's language, from the
 * clinic's templates (its own wording, else the shipped one: see messageTemplates.ts).
 */
async function render(sql: Sql, row: AppointmentRow, kind: AppointmentMessageKind, slots: readonly number[] = []): Promise<string> {
  const clinic = await getClinicById(sql, row.clinic_id);
  const { text } = await renderMessage(sql, {
    clinic,
    kind,
    language: row.language,
    values: {
      patientName: row.patient_name,
      doctorName: row.provider_name,
      specialty: row.service,
      startsAt: row.starts_at,
      ...(row.follow_up_date === null ? {} : { followUpDate: row.follow_up_date }),
      slots: slots.map((slot) => new Date(slot)),
    },
  });
  return text;
}

/** The appointment activities, bound to a Postgres pool and a messenger. */
export function createAppointmentActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  return {
    /**
     * Writes the chain's state to the appointment row.
     * @throws ApplicationFailure `InvalidData` (non-retryable) when Postgres refuses it.
     */
    async recordAppointmentState(input: RecordAppointmentStateInput): Promise<void> {
      await failPermanentErrorsFast('recordAppointmentState', async () => {
        await sql`
          update appointments set status = ${input.status}, starts_at = ${input.startsAt}, follow_up_date = ${input.followUpDate},
            next_reminder_at = ${input.nextReminderAt}, updated_at = now()
          where id = ${input.appointmentId}`;
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
     * Up to 5 free starts (epoch ms, ascending) of the appointment's provider for its length: office
     * hours minus the provider's open appointments (this one included: its own time is not "another time").
     */
    async findOpenSlots(input: FindOpenSlotsInput): Promise<number[]> {
      return failPermanentErrorsFast('findOpenSlots', async () => {
        const appointment = await findAppointment(sql, input.appointmentId);
        const until = new Date(input.now + (SLOT_SEARCH_DAYS + 1) * 24 * 60 * 60 * 1000);
        const booked = await sql<{ starts_at: Date; duration_minutes: number }[]>`
          select starts_at, duration_minutes from appointments
          where provider_id = ${appointment.provider_id} and status in ('booked', 'confirmed')
            and starts_at + duration_minutes * interval '1 minute' > ${new Date(input.now)} and starts_at < ${until}`;
        return openSlots({
          officeDays: input.officeDays,
          opens: input.opens,
          closes: input.closes,
          slotMinutes: input.slotMinutes,
          durationMinutes: appointment.duration_minutes,
          timezone: input.timezone,
          booked: booked.map((b) => ({ startsAt: b.starts_at.getTime(), endsAt: b.starts_at.getTime() + b.duration_minutes * 60_000 })),
          now: input.now,
        });
      });
    },

    /**
     * Moves the appointment to `startsAt` if no other open appointment of its provider overlaps it
     * then: checked and written in one transaction holding the provider's row lock, so two patients
     * picking the same slot cannot both get it. A retry after a move finds it moved again.
     * @returns `moved`, or `taken` (nothing written).
     */
    async moveAppointment(input: MoveAppointmentInput): Promise<'moved' | 'taken'> {
      return failPermanentErrorsFast('moveAppointment', () =>
        sql.begin(async (tx) => {
          const startsAt = new Date(input.startsAt);
          const [appointment] = await tx<{ provider_id: number; duration_minutes: number }[]>`
            select a.provider_id, a.duration_minutes from appointments a join providers p on p.id = a.provider_id
            where a.id = ${input.appointmentId} for update of a, p`;
          if (appointment === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${input.appointmentId}`, FailureType.InvalidData);
          const [overlap] = await tx`
            select 1 from appointments
            where provider_id = ${appointment.provider_id} and id <> ${input.appointmentId} and status in ('booked', 'confirmed')
              and starts_at < ${startsAt}::timestamptz + ${appointment.duration_minutes} * interval '1 minute'
              and starts_at + duration_minutes * interval '1 minute' > ${startsAt}`;
          if (overlap !== undefined) return 'taken' as const;
          await tx`update appointments set starts_at = ${startsAt}, updated_at = now() where id = ${input.appointmentId}`;
          return 'moved' as const;
        }),
      );
    },

    /** The text of `kind` for the appointment as its row stands (a reply's text). */
    async renderAppointmentMessage(input: RenderAppointmentMessageInput): Promise<string> {
      return failPermanentErrorsFast('renderAppointmentMessage', async () =>
        render(sql, await findAppointment(sql, input.appointmentId), input.kind, input.slots),
      );
    },

    /**
     * Sends the text of `kind` to the patient, once per idempotency key. Opted-out numbers get nothing.
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it, or
     *   the channel (`voice`) has no text sender.
     */
    async sendAppointmentMessage(input: SendAppointmentMessageInput): Promise<SendOutcome['outcome']> {
      const appointment = await failPermanentErrorsFast('sendAppointmentMessage', () => findAppointment(sql, input.appointmentId));
      if (appointment.channel === 'voice') throw ApplicationFailure.nonRetryable('voice appointments are not texted', FailureType.MessageRejected);
      return sendOrRejectPermanently(messenger, {
        clinicId: appointment.clinic_id,
        phone: appointment.phone,
        channel: appointment.channel,
        body: await render(sql, appointment, input.kind, input.slots),
        idempotencyKey: input.idempotencyKey,
      });
    },
  };
}

/** The appointment activities' interface, as the workflow proxies it. */
export type AppointmentActivities = ReturnType<typeof createAppointmentActivities>;
