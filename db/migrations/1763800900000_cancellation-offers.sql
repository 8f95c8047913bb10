-- Up Migration

-- How a clinic refills a cancelled slot from its waitlist (the offer workflow): offers go out to this
-- many patients at once, each held this many minutes; no patient gets more than max_offers_per_day
-- in the clinic's day; a slot starting within offer_lead_minutes is not offered any more. The main
-- clinic's first values come from BATCH_SIZE, HOLD_MINUTES and MAX_OFFERS_PER_DAY.
alter table clinics
  add column offer_batch_size integer not null default 3 check (offer_batch_size between 1 and 50),
  add column offer_hold_minutes integer not null default 7 check (offer_hold_minutes between 1 and 240),
  add column max_offers_per_day integer not null default 3 check (max_offers_per_day between 1 and 50),
  add column offer_lead_minutes integer not null default 60 check (offer_lead_minutes between 0 and 1440);

-- The channel a patient's waitlist offers go on (voice offers are not made: a slot goes to the first
-- YES, which a call cannot race fairly).
alter table patients add column channel text not null default 'sms' check (channel in ('sms', 'whatsapp'));

-- A freed slot to refill: one offer workflow each (`workflow_id`, cancellation-<clinic>-<id>).
-- `appointment_id` is the cancelled appointment it came from (null: staff logged it through the API).
create table cancellation_events (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  provider_id integer not null,
  location text not null check (char_length(location) between 1 and 200),
  slot_start_at timestamptz not null,
  slot_end_at timestamptz not null,
  reason text check (char_length(reason) between 1 and 500),
  status text not null default 'open' check (status in ('open', 'filled', 'expired', 'aborted')),
  -- Who logged it: `staff` (the API or the board) or `appointment` (a cancelled appointment's chain).
  created_by text not null check (created_by in ('staff', 'appointment')),
  appointment_id bigint references appointments (id) on delete set null,
  workflow_id text not null unique,
  filled_by_appointment_id bigint references appointments (id) on delete set null,
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  check (slot_end_at > slot_start_at),
  check ((status = 'open') = (ended_at is null)),
  foreign key (clinic_id, provider_id) references providers (clinic_id, id),
  unique (clinic_id, id)
);
-- A cancelled appointment's slot is logged once: a retried activity finds the same event.
create unique index cancellation_events_once_per_appointment_start on cancellation_events (appointment_id, slot_start_at) where appointment_id is not null;
create index cancellation_events_by_status on cancellation_events (clinic_id, status, created_at desc);
create index cancellation_events_by_created on cancellation_events (clinic_id, created_at);

-- An offer of a cancellation's slot to one waitlisted patient. `round` is the workflow's send round
-- that made it (a retried round finds its offers again); `batch_number` counts batches from 1, an
-- offer replacing a failed or declined one in the same batch sharing its number.
create table offers (
  id bigserial primary key,
  clinic_id integer not null,
  cancellation_id bigint not null,
  patient_id bigint not null,
  entry_id bigint not null,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  channel text not null check (channel in ('sms', 'whatsapp')),
  language text not null,
  batch_number integer not null check (batch_number >= 1),
  round integer not null check (round >= 1),
  sent_at timestamptz not null default now(),
  hold_expires_at timestamptz not null,
  state text not null default 'pending' check (state in ('pending', 'accepted', 'declined', 'expired', 'canceled', 'failed')),
  -- When the patient answered YES or NO (any answer, also a YES after the slot was taken).
  answered_at timestamptz,
  ended_at timestamptz,
  check ((state = 'pending') = (ended_at is null)),
  foreign key (clinic_id, cancellation_id) references cancellation_events (clinic_id, id) on delete cascade,
  foreign key (clinic_id, patient_id) references patients (clinic_id, id) on delete cascade,
  foreign key (clinic_id, entry_id) references waitlist_entries (clinic_id, id) on delete cascade,
  -- No patient is offered the same slot twice.
  unique (cancellation_id, patient_id)
);
create index offers_by_cancellation on offers (cancellation_id, round);
-- The daily cap counts a patient's offers by when they were sent.
create index offers_by_patient_sent on offers (clinic_id, patient_id, sent_at);
create index offers_pending_by_phone on offers (clinic_id, phone) where state = 'pending';

-- The message of an offer (its offer, taken, withdrawn texts): a failed delivery receipt fails the offer.
alter table messages add column offer_id bigint references offers (id) on delete set null;
create index messages_by_offer on messages (offer_id) where offer_id is not null;

-- An offer workflow asks several patients at once: one open prompt per workflow and number (an
-- appointment chain, which asks one number, still has one open prompt).
drop index patient_prompts_open_per_workflow;
create unique index patient_prompts_open_per_workflow_phone on patient_prompts (workflow_id, phone) where closed_at is null;

-- Offer texts: the offer itself, and what the patient is told when they win, when the slot was taken,
-- when they pass (NO) and when staff withdraw the offer.
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded'));

alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));

-- Down Migration

delete from message_templates where kind like 'offer%';
delete from whatsapp_templates where kind like 'offer%';
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help'));
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded'));
drop index patient_prompts_open_per_workflow_phone;
create unique index patient_prompts_open_per_workflow on patient_prompts (workflow_id) where closed_at is null;
drop index messages_by_offer;
alter table messages drop column offer_id;
drop table offers;
drop table cancellation_events;
alter table patients drop column channel;
alter table clinics drop column offer_lead_minutes, drop column max_offers_per_day, drop column offer_hold_minutes, drop column offer_batch_size;
