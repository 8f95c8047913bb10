-- Up Migration

-- A clinic's providers (doctors, hygienists), shared by appointments and the waitlist. A name is
-- unique per clinic whatever its case, so "Dr Mehta" and "dr mehta" are one provider.
create table providers (
  id serial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 100),
  created_at timestamptz not null default now(),
  -- The target of appointments' (clinic_id, provider_id) reference: a provider of the same clinic.
  unique (clinic_id, id)
);
create unique index providers_name_per_clinic on providers (clinic_id, lower(name));

-- Appointments: the read model of the appointment chains. The API inserts the row (status `booked`,
-- its workflow ID) and starts the chain; from then on only the chain's activities write it.
-- Privacy: an appointment stores the patient's name, E.164 number, language and the service.
create table appointments (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  provider_id integer not null,
  patient_name text not null check (char_length(patient_name) between 1 and 100),
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  language text not null check (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'),
  service text not null check (char_length(service) between 1 and 100),
  channel text not null check (channel in ('sms', 'whatsapp', 'voice')),
  starts_at timestamptz not null,
  duration_minutes integer not null check (duration_minutes between 5 and 480),
  status text not null default 'booked' check (status in ('booked', 'confirmed', 'cancelled', 'visited', 'no_show')),
  follow_up_date date,
  workflow_id text not null unique,
  next_reminder_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (clinic_id, provider_id) references providers (clinic_id, id)
);
create index appointments_by_start on appointments (clinic_id, starts_at);
create index appointments_open_by_phone on appointments (clinic_id, phone) where status in ('booked', 'confirmed');
-- A provider's open appointments by time: open slots and the overlap check of a move read it.
create index appointments_open_by_provider on appointments (provider_id, starts_at) where status in ('booked', 'confirmed');

-- Slots freed by a cancellation or a move, for the waitlist to offer (the waitlist issue consumes
-- them). Written once per appointment and start: a retried release changes nothing.
create table released_slots (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  provider_id integer not null references providers (id) on delete cascade,
  starts_at timestamptz not null,
  duration_minutes integer not null check (duration_minutes between 5 and 480),
  appointment_id bigint not null references appointments (id) on delete cascade,
  released_at timestamptz not null default now(),
  unique (appointment_id, starts_at)
);
create index released_slots_by_clinic on released_slots (clinic_id, released_at desc);

-- Down Migration

drop table released_slots;
drop table appointments;
drop table providers;
