-- Up Migration

-- Minutes before an unanswered (busy, no-answer, failed) reminder call is tried once more, inside
-- contact hours; after the second call the reminder goes by SMS to a mobile.
alter table clinics add column call_retry_minutes integer not null default 30 check (call_retry_minutes between 5 and 1440);

-- Down Migration

alter table clinics drop column call_retry_minutes;
