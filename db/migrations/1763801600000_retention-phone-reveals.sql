-- Up Migration

-- A "Show number" audit row keeps the full number it showed only as long as the clinic keeps numbers
-- (`retention_days`): the retention purge then masks it to its last four digits, as in the message
-- log, and keeps who showed which entry and when. Each run counts the rows it masked.
alter table retention_purges add column reveals integer not null default 0;
create index phone_reveals_unmasked on phone_reveals (clinic_id, revealed_at) where phone like '+%';

-- Down Migration

drop index phone_reveals_unmasked;
alter table retention_purges drop column reveals;
