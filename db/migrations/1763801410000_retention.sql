-- Up Migration

-- How long a clinic keeps message bodies and patients' phone numbers, in days; older ones are purged
-- by the retention schedule (bodies emptied, numbers masked to their last four digits).
alter table clinics add column retention_days integer not null default 90 check (retention_days between 7 and 3650);

-- When a row's patient data was purged (null: not yet). The partial indexes find what is left to purge.
alter table messages add column purged_at timestamptz;
alter table calls add column purged_at timestamptz;
alter table tickets add column purged_at timestamptz;
create index messages_unpurged on messages (clinic_id, created_at) where purged_at is null;
create index calls_unpurged on calls (clinic_id, created_at) where purged_at is null;
create index tickets_unpurged on tickets (clinic_id, closed_at) where purged_at is null and closed_at is not null;

-- Every purge run, per clinic: how many rows it purged (zero too, so the metrics show the schedule runs).
create table retention_purges (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  purged_at timestamptz not null default now(),
  cutoff timestamptz not null,
  messages integer not null,
  calls integer not null,
  tickets integer not null,
  prompts integer not null
);
create index retention_purges_by_clinic on retention_purges (clinic_id, purged_at);

-- Down Migration

drop table retention_purges;
drop index tickets_unpurged;
drop index calls_unpurged;
drop index messages_unpurged;
alter table tickets drop column purged_at;
alter table calls drop column purged_at;
alter table messages drop column purged_at;
alter table clinics drop column retention_days;
