-- Up Migration

-- Kiosk forms carry a nonce the server issued when it drew the page; a join must bring one that is
-- known and unexpired. `used_at` is set by the first join with it (a double tap joins again with the
-- same nonce, which is also the ticket's join key, and gets the same ticket).
create table kiosk_nonces (
  nonce uuid primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index kiosk_nonces_used on kiosk_nonces (clinic_id, used_at) where used_at is not null;
create index kiosk_nonces_expiry on kiosk_nonces (expires_at);

-- Most kiosk tickets a clinic gives in any hour; past it the kiosk asks visitors to see the desk.
alter table clinics add column kiosk_tickets_per_hour integer not null default 60 check (kiosk_tickets_per_hour between 0 and 10000);

-- Failed staff sign-ins, one row per failure and key (`address:<ip or IPv6 /64>`, `account:<id>`),
-- kept in Postgres so every API process counts the same failures.
create table sign_in_failures (
  key text not null,
  failed_at timestamptz not null default now()
);
create index sign_in_failures_key on sign_in_failures (key, failed_at);

-- Staff sessions: the signed cookie carries the id; sign-out sets `ended_at`, and a session past
-- `expires_at` or ended is refused (the board's event stream closes too).
create table staff_sessions (
  id uuid primary key,
  started_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz
);

-- Down Migration
drop table staff_sessions;
drop table sign_in_failures;
alter table clinics drop column kiosk_tickets_per_hour;
drop table kiosk_nonces;
