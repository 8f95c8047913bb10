-- Up Migration

-- Numbers a text found to be a landline (Twilio error 30006), kept past the retention purge, which
-- masks the message log's numbers: before it masks a 30006 receipt's number, the purge records the
-- number here, so no text is tried again to a landline once its receipt is purged
-- (src/messaging/knownLandlines.ts). A phone number is kept only `retention_days` (README, Retention),
-- so the number is not kept: only its SHA-256 digest (of the E.164 text, UTF-8), which answers "is this
-- number a landline?" for a number already known and lists no number.
create table landline_numbers (
  phone_sha256 bytea primary key check (length(phone_sha256) = 32),
  recorded_at timestamptz not null default now()
);

-- What purges before this one kept of such numbers: the open appointments they marked.
insert into landline_numbers (phone_sha256)
select distinct sha256(convert_to(phone, 'UTF8')) from appointments where landline_known
on conflict do nothing;

-- Down Migration

drop table landline_numbers;
