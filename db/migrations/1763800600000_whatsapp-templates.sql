-- Up Migration

-- A clinic's approved WhatsApp template (a Twilio Content SID) for one message kind in one language,
-- and how its numbered variables are filled: `variables` maps each variable's number to one of our
-- placeholder names, {"1": "patient_name", "2": "date"} (validated by src/clinics/whatsAppTemplates.ts).
-- A Content SID is one approved template in one language, so the key is (clinic, kind, language).
create table whatsapp_templates (
  clinic_id integer not null references clinics (id) on delete cascade,
  kind text not null check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                                     'no_open_slots', 'followup_reminder', 'help')),
  language text not null check (language ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  content_sid text not null check (content_sid ~ '^HX[0-9a-fA-F]{32}$'),
  variables jsonb not null check (jsonb_typeof(variables) = 'object'),
  updated_at timestamptz not null default now(),
  primary key (clinic_id, kind, language)
);

-- A patient's tap on a WhatsApp quick-reply button is logged as an inbound message whose body is the
-- button's text; its payload is kept beside it, so a press handled again (the reply sweep) is still
-- read as a press, never as the same word typed.
alter table messages add column button_payload text;

-- Down Migration

alter table messages drop column button_payload;
drop table whatsapp_templates;
