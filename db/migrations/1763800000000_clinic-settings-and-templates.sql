-- Up Migration

-- A clinic's settings for appointment reminders. Times of day are local to `timezone`; durations are
-- minutes; weekdays are ISO (1 Monday … 7 Sunday). The shape of `reminder_rules` is ZReminderRules
-- (src/domain/reminderRules.ts): [{"kind":"before","minutes":1440}, {"kind":"day_before_at","time":"10:00"}].
alter table clinics
  add column office_phone text check (office_phone ~ '^\+[1-9][0-9]{6,14}$'),
  add column contact_hours_start time not null default '08:00',
  add column contact_hours_end time not null default '20:00',
  add column office_days smallint[] not null default '{1,2,3,4,5}'
    check (cardinality(office_days) between 1 and 7 and office_days <@ '{1,2,3,4,5,6,7}'::smallint[]),
  add column office_opens time not null default '09:00',
  add column office_closes time not null default '17:00',
  add column slot_minutes integer not null default 60 check (slot_minutes between 5 and 480),
  add column default_language text not null default 'en' check (default_language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  -- Whether the clinic's number keeps Twilio's default opt-out words, CANCEL among them.
  add column cancel_is_opt_out boolean not null default true,
  add column reminder_rules jsonb not null default '[{"kind":"before","minutes":1440},{"kind":"before","minutes":60}]'
    check (jsonb_typeof(reminder_rules) = 'array' and jsonb_array_length(reminder_rules) <= 10),
  add constraint clinics_contact_hours check (contact_hours_start < contact_hours_end),
  add constraint clinics_office_hours check (office_opens < office_closes);

-- A clinic's own wording of a message kind in a language; the shipped defaults (src/domain/messageTemplates.ts)
-- apply where a clinic has none.
create table message_templates (
  clinic_id integer not null references clinics (id) on delete cascade,
  kind text not null check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options',
                                     'rescheduled', 'followup_reminder', 'help')),
  language text not null check (language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  body text not null check (char_length(body) between 1 and 1600),
  updated_at timestamptz not null default now(),
  primary key (clinic_id, kind, language)
);

-- The language a patient reads, per clinic: set at booking or by texting ESPAÑOL / ENGLISH.
create table patient_languages (
  clinic_id integer not null references clinics (id) on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  language text not null check (language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  updated_at timestamptz not null default now(),
  primary key (clinic_id, phone)
);

-- Down Migration
drop table patient_languages;
drop table message_templates;
alter table clinics
  drop constraint clinics_office_hours,
  drop constraint clinics_contact_hours,
  drop column reminder_rules,
  drop column cancel_is_opt_out,
  drop column default_language,
  drop column slot_minutes,
  drop column office_closes,
  drop column office_opens,
  drop column office_days,
  drop column contact_hours_end,
  drop column contact_hours_start,
  drop column office_phone;
