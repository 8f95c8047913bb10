-- Up Migration

-- The JSON API pages its lists by keyset (`src/db/keysetPage.ts`): each page is the rows after the
-- previous page's last (time, id), in an order that ends in `id` so rows sharing a time are never
-- skipped or repeated at a boundary. Each list's index now ends in `id` too, so a page is read in
-- index order from its cursor, with no sort of the clinic's rows: appointments by start (optionally of
-- one status), cancellations newest first (optionally of one status). The message log's
-- `messages_newest` already ends in `id`. The old indexes are prefixes of the new ones, which serve
-- their queries too (a day's appointments, the waitlist figures' cancellations logged in a range).
drop index appointments_by_start;
create index appointments_by_start on appointments (clinic_id, starts_at, id);
create index appointments_by_status on appointments (clinic_id, status, starts_at, id);
drop index cancellation_events_by_created;
create index cancellation_events_by_created on cancellation_events (clinic_id, created_at, id);
drop index cancellation_events_by_status;
create index cancellation_events_by_status on cancellation_events (clinic_id, status, created_at desc, id desc);

-- Down Migration

drop index cancellation_events_by_status;
create index cancellation_events_by_status on cancellation_events (clinic_id, status, created_at desc);
drop index cancellation_events_by_created;
create index cancellation_events_by_created on cancellation_events (clinic_id, created_at);
drop index appointments_by_status;
drop index appointments_by_start;
create index appointments_by_start on appointments (clinic_id, starts_at);
