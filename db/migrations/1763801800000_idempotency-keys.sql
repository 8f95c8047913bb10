-- Up Migration

-- What each staff change sent with an idempotency key asked for (the JSON API's `Idempotency-Key`, the
-- Appointments page's hidden `idempotency_key`): per clinic, change (`move`, `cancel`, …) and key, a
-- SHA-256 of the request (its appointment and its arguments), so the key reused with another request is
-- refused with 422 instead of answering the first one's outcome (IETF
-- draft-ietf-httpapi-idempotency-key-header). No patient data: the retention purge deletes rows older
-- than the clinic's `retention_days`.
create table idempotency_keys (
  clinic_id integer not null references clinics (id) on delete cascade,
  change text not null,
  key text not null,
  fingerprint text not null,
  created_at timestamptz not null default now(),
  primary key (clinic_id, change, key)
);
create index idempotency_keys_by_age on idempotency_keys (clinic_id, created_at);

-- Down Migration

drop table idempotency_keys;
