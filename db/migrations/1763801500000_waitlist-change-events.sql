-- Up Migration
-- "A clinic's waitlist or cancellations changed" as NOTIFY frontdesk_waitlist '<clinic id>', from every
-- writer (staff through the API or the board, the offer workflow's activities writing offers and
-- statuses, a booking closing the winner's entry), so every open Waitlist and Cancellations page
-- re-renders within a second whichever process made the change. Notifications with the same payload
-- in one transaction arrive once.
create function notify_waitlist_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('frontdesk_waitlist', (case when tg_op = 'DELETE' then old.clinic_id else new.clinic_id end)::text);
  return null;
end;
$$;

create trigger waitlist_entries_changed after insert or update or delete on waitlist_entries
  for each row execute function notify_waitlist_changed();
create trigger cancellation_events_changed after insert or update or delete on cancellation_events
  for each row execute function notify_waitlist_changed();
create trigger offers_changed after insert or update or delete on offers
  for each row execute function notify_waitlist_changed();

-- Down Migration
drop trigger offers_changed on offers;
drop trigger cancellation_events_changed on cancellation_events;
drop trigger waitlist_entries_changed on waitlist_entries;
drop function notify_waitlist_changed();
