-- Up Migration
-- Every "show" of a full number on the Messages and calls page: who (the staff session: staff share
-- one password, so a session and its client address are what identify them), when, which number,
-- and the log entry it was shown on. Written before the number is shown; never updated or deleted by
-- the app.
create table phone_reveals (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  staff_session_id uuid not null references staff_sessions (id),
  client_address text not null,
  phone text not null, -- the E.164 number shown
  entry_kind text not null check (entry_kind in ('message', 'call')),
  entry_id bigint not null,
  revealed_at timestamptz not null default now()
);
create index phone_reveals_newest on phone_reveals (clinic_id, revealed_at desc);

-- Down Migration
drop table phone_reveals;
