-- Up Migration

-- When the patient, who asked for another time, was texted the list of open times (when the list was
-- asked) that then lapsed without a choice, and the appointment's start then: staff are asked to call
-- them back while the appointment is still open at that start and has not started
-- (src/appointments/callBacks.ts). Written by the chain's `recordNoTimeChosen` activity at the lapse,
-- behind the `no-time-chosen-recorded` patch. Until now it was read from the list's `patient_prompts`
-- row, which the retention purge deletes once closed: kept here, as `no_open_times_at` is, it stays.
alter table appointments add column no_time_chosen_at timestamptz, add column no_time_chosen_starts_at timestamptz;

-- Lists that lapsed before this migration, recorded as they were read until now: the chain's latest
-- list, closed at or after its expiry or not yet closed, of an open appointment about whose current
-- start a message or call went before the list.
update appointments a set no_time_chosen_at = list.asked_at, no_time_chosen_starts_at = a.starts_at
from (
  select distinct on (workflow_id) workflow_id, asked_at, expires_at, closed_at
  from patient_prompts where kind = 'reschedule_slots'
  order by workflow_id, asked_at desc, id desc
) list
where list.workflow_id = a.workflow_id and a.status in ('booked', 'confirmed')
  and list.expires_at <= now() and (list.closed_at is null or list.closed_at >= list.expires_at)
  and exists (
    select 1 from messages m
    where m.appointment_id = a.id and m.created_at <= list.asked_at
      and starts_with(m.delivery_key, 'appointment:' || a.id || ':' || to_char(a.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':')
    union all
    select 1 from calls c
    where c.appointment_id = a.id and c.created_at <= list.asked_at
      and starts_with(c.delivery_key, 'appointment:' || a.id || ':' || to_char(a.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':')
  );

-- Down Migration

alter table appointments drop column no_time_chosen_at, drop column no_time_chosen_starts_at;
