-- Up Migration

-- A provider's type for the waitlist's preference: `MD/DO` (physician) or `APP` (advanced practice
-- provider); null when nobody has said (a provider first named by an appointment booking). An inactive
-- provider keeps its appointments and history but takes no new waitlist offers.
alter table providers
  add column type text check (type in ('MD/DO', 'APP')),
  add column active boolean not null default true;

-- The clinic's patients, one row per number. Opt-outs stay in `opt_outs` (by clinic and number).
-- Privacy: a patient stores the E.164 number and the name staff gave.
create table patients (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  phone_e164 text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  display_name text check (char_length(display_name) between 1 and 100),
  -- How the clinic got the patient's consent to be texted, e.g. `staff` (added by staff through the API).
  consent_source text not null check (char_length(consent_source) between 1 and 100),
  last_contacted_at timestamptz,
  created_at timestamptz not null default now(),
  unique (clinic_id, phone_e164),
  -- The target of (clinic_id, patient_id) references: a patient of the same clinic.
  unique (clinic_id, id)
);

-- Waitlist entries: a patient waiting for an earlier slot. Rows are never deleted by the API (an
-- ended entry turns inactive) so that offers can keep referring to them.
create table waitlist_entries (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  patient_id bigint not null,
  provider_type_preference text not null default 'Any' check (provider_type_preference in ('MD/DO', 'APP', 'Any')),
  current_appt_at timestamptz,
  urgent boolean not null default false,
  manual_boost integer not null default 0 check (manual_boost between 0 and 40),
  active boolean not null default true,
  joined_at timestamptz not null default now(),
  notes text check (char_length(notes) between 1 and 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (clinic_id, patient_id) references patients (clinic_id, id) on delete cascade,
  unique (clinic_id, id)
);
-- One active entry per patient: a second would double every offer to them.
create unique index waitlist_entries_one_active_per_patient on waitlist_entries (clinic_id, patient_id) where active;
create index waitlist_entries_active on waitlist_entries (clinic_id, joined_at) where active;

-- The providers an entry prefers (none: any provider of its type preference). A join table rather
-- than an array so that each id is a foreign key to a provider of the same clinic, and the offer
-- workflow finds an opened slot's candidates through the provider index.
create table waitlist_entry_providers (
  clinic_id integer not null,
  entry_id bigint not null,
  provider_id integer not null,
  primary key (entry_id, provider_id),
  foreign key (clinic_id, entry_id) references waitlist_entries (clinic_id, id) on delete cascade,
  foreign key (clinic_id, provider_id) references providers (clinic_id, id) on delete cascade
);
create index waitlist_entry_providers_by_provider on waitlist_entry_providers (provider_id);

-- Down Migration

drop table waitlist_entry_providers;
drop table waitlist_entries;
drop table patients;
alter table providers drop column active, drop column type;
