-- Up Migration

-- Which appointment message an outbound text delivers, so an appointment shows each attempt per
-- message (GET /api/appointments/{id}) and a delivery receipt reaches the chain that sent it.
-- `delivery_key` is the appointment message's idempotency key (every attempt of one reminder shares
-- it); `note` says why a text went on another channel than planned.
alter table messages
  add column appointment_id bigint references appointments (id) on delete set null,
  add column delivery_key text,
  add column note text;
create index messages_by_appointment on messages (appointment_id, created_at) where appointment_id is not null;

-- Outbound calls: one row per call placed (an appointment reminder read by voice). Like messages, a
-- call is placed once per idempotency key, and its status never moves backwards.
-- Privacy: a call stores the patient's E.164 number and the key pressed, never what was said.
create table calls (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  appointment_id bigint references appointments (id) on delete set null,
  delivery_key text,
  phone text not null, -- the patient's E.164 number
  from_address text not null,
  to_address text not null,
  language text not null,
  idempotency_key text not null unique, -- what this call is for, so a retried activity places it once
  call_sid text unique, -- Twilio's CallSid (CA…), once the call is placed
  status text not null default 'queued',
  answered_by text, -- Twilio's AnsweredBy: human, machine_end_beep, …, unknown
  digits text, -- the last key the patient pressed
  choice text check (choice in ('confirm', 'reschedule', 'cancel')),
  error_code integer,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index calls_newest on calls (clinic_id, created_at desc, id desc);
create index calls_by_appointment on calls (appointment_id, created_at) where appointment_id is not null;

-- Every call status callback as Twilio sent it, also for a CallSid not (yet) in the log.
create table call_status_events (
  id bigserial primary key,
  call_sid text not null,
  status text not null,
  answered_by text,
  error_code integer,
  received_at timestamptz not null default now()
);
create unique index call_status_events_once on call_status_events (call_sid, status);

-- The TwiML each step of a call answered, so a webhook Twilio retries (same CallSid and step) gets
-- the same answer and changes nothing twice.
create table call_steps (
  call_sid text not null,
  step text not null,
  twiml text not null,
  created_at timestamptz not null default now(),
  primary key (call_sid, step)
);

-- Twilio's call statuses in the order a call moves through them; a status never moves backwards.
-- Source: Twilio, "Call resource: status values" (twilio.com/docs/voice/api/call-resource#call-status-values).
create function call_status_rank(status text) returns integer
  language sql immutable
  as $$
    select case status
      when 'queued' then 1 when 'initiated' then 1
      when 'ringing' then 2
      when 'in-progress' then 3
      when 'completed' then 4 when 'busy' then 4 when 'failed' then 4 when 'no-answer' then 4 when 'canceled' then 4
      else 0
    end
  $$;

-- Per number, how the console provider (no Twilio account) plays the patient's phone: whether its
-- texts are delivered, and how it answers a call. Numbers not listed behave as `default`s below,
-- except those ending in 0006, which are landlines (texts undelivered with 30006).
create table console_phones (
  phone text primary key, -- E.164
  sms text not null default 'delivered' check (sms in ('delivered', 'undelivered')),
  whatsapp text not null default 'delivered' check (whatsapp in ('delivered', 'not_on_whatsapp')),
  call text not null default 'answer' check (call in ('answer', 'busy', 'no-answer', 'failed', 'machine')),
  updated_at timestamptz not null default now()
);

-- Down Migration

drop table console_phones;
drop function call_status_rank(text);
drop table call_steps;
drop table call_status_events;
drop table calls;
drop index messages_by_appointment;
alter table messages drop column note, drop column delivery_key, drop column appointment_id;
