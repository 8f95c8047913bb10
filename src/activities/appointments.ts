/**
 * Appointment activities: the chain's writes of its appointment row (the read model staff and the
 * CSV export read), the slot search and the atomic move, released slots for the waitlist, and the
 * chain's texts (appointmentMessages.ts: rendered from the row, sent through the messenger once per
 * idempotency key).
 * Every write is idempotent: a retry writes the same values again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { openSlots, SLOT_SEARCH_DAYS } from '../domain/openSlots.js';
import type { Messenger } from '../messaging/messenger.js';
import type { AppointmentStatus } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { createAppointmentMessageActivities } from './appointmentMessages.js';
import { findAppointment } from './appointmentRows.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

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

/** The appointment activities, bound to a Postgres pool and a messenger. */
export function createAppointmentActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  return {
    ...createAppointmentMessageActivities({ sql, messenger }),
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
  };
}

/** The appointment activities' interface, as the workflow proxies it. */
export type AppointmentActivities = ReturnType<typeof createAppointmentActivities>;
