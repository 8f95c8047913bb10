-- Up Migration

-- A clinic and its settings. Times of day are local to `timezone`; durations are minutes.
create table clinics (
  id serial primary key,
  slug text not null unique check (slug ~ '^[a-z0-9-]{1,40}$'),
  name text not null,
  timezone text not null,
  rooms_open integer not null default 1 check (rooms_open between 1 and 100),
  closing_time time not null default '20:00',
  next_reminder_minutes integer not null default 5 check (next_reminder_minutes between 1 and 120),
  created_at timestamptz not null default now()
);

-- The numbers a clinic owns: an inbound message belongs to the clinic whose number it was sent To.
create table clinic_numbers (
  address text primary key, -- E.164 for SMS, whatsapp:+E164 for WhatsApp
  clinic_id integer not null references clinics (id) on delete cascade,
  channel text not null check (channel in ('sms', 'whatsapp'))
);
create index clinic_numbers_clinic on clinic_numbers (clinic_id, channel);

-- Ticket codes: a per-clinic, per-day counter, and the code given to each join request so that a
-- retried JOIN (same MessageSid, or the same kiosk form) gets the same code and so the same workflow.
create table ticket_counters (
  clinic_id integer not null references clinics (id) on delete cascade,
  service_day date not null,
  last_number integer not null,
  primary key (clinic_id, service_day)
);
create table ticket_code_allocations (
  clinic_id integer not null references clinics (id) on delete cascade,
  join_key text not null,
  service_day date not null,
  code text not null,
  created_at timestamptz not null default now(),
  primary key (clinic_id, join_key)
);

-- The read model of walk-in tickets, written by the ticket workflows' activities.
-- Privacy: a ticket stores its code, the phone number with its channel, and the optional note.
create table tickets (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  service_day date not null,
  code text not null,
  workflow_id text not null unique,
  phone text, -- E.164; null for a kiosk ticket
  channel text not null check (channel in ('sms', 'whatsapp', 'kiosk')),
  note text check (char_length(note) <= 140),
  state text not null check (state in ('waiting', 'next', 'in_room', 'done', 'no_show', 'left', 'expired')),
  joined_at timestamptz not null,
  called_at timestamptz,
  room_at timestamptz,
  closed_at timestamptz,
  service_seconds integer, -- in_room to done, when staff closed it; feeds the ETA
  updated_at timestamptz not null default now()
);
create unique index tickets_open_code on tickets (clinic_id, code) where state in ('waiting', 'next', 'in_room');
create unique index tickets_open_phone on tickets (clinic_id, phone)
  where state in ('waiting', 'next', 'in_room') and phone is not null;
create index tickets_queue on tickets (clinic_id, state, joined_at);
create index tickets_service_times on tickets (clinic_id, closed_at desc) where service_seconds is not null;

-- Numbers that texted STOP (or another opt-out word): nothing is sent to them on any channel.
create table opt_outs (
  clinic_id integer not null references clinics (id) on delete cascade,
  phone text not null, -- E.164
  keyword text not null,
  opted_out_at timestamptz not null default now(),
  primary key (clinic_id, phone)
);

-- The message log: every inbound and outbound message.
create table messages (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  direction text not null check (direction in ('inbound', 'outbound')),
  channel text not null check (channel in ('sms', 'whatsapp')),
  phone text not null, -- the patient's E.164 number, whichever side they are on
  from_address text not null,
  to_address text not null,
  body text not null,
  provider_sid text unique, -- Twilio's MessageSid
  idempotency_key text unique, -- outbound: what this message is for, so a retried send sends once
  status text not null,
  error_code integer,
  reply_body text, -- inbound: the reply we answered with
  reply_via text check (reply_via in ('twiml', 'outbound', 'none')),
  processing_started_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index messages_newest on messages (clinic_id, created_at desc, id desc);
create index messages_phone on messages (phone, created_at desc);

-- Every status callback as Twilio sent it, also for a MessageSid not (yet) in the log.
create table message_status_events (
  id bigserial primary key,
  provider_sid text not null,
  status text not null,
  error_code integer,
  received_at timestamptz not null default now()
);
create unique index message_status_events_once on message_status_events (provider_sid, status);

-- Twilio's message statuses in the order a message moves through them; callbacks arrive out of
-- order, and a status never moves backwards. Source: Twilio, "Message resource: status values".
create function message_status_rank(status text) returns integer
  language sql immutable
  as $$
    select case status
      when 'accepted' then 1 when 'scheduled' then 1 when 'queued' then 1 when 'receiving' then 1
      when 'sending' then 2 when 'received' then 2
      when 'sent' then 3
      when 'delivered' then 4 when 'undelivered' then 4 when 'failed' then 4 when 'canceled' then 4
      when 'read' then 5
      else 0
    end
  $$;

-- Down Migration
drop function message_status_rank(text);
drop table message_status_events;
drop table messages;
drop table opt_outs;
drop table tickets;
drop table ticket_code_allocations;
drop table ticket_counters;
drop table clinic_numbers;
drop table clinics;
