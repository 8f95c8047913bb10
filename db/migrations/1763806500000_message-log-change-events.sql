-- Up Migration
-- "A clinic's message log changed" as NOTIFY frontdesk_messages '<clinic id>', from every writer (a
-- text in, a reply or reminder out, a delivery's status callback, a call's progress, the sweep that
-- ends an unsent one), so every open Messages page shows the new entry or status within a second,
-- whichever process made the change. Notifications with the same payload in one transaction arrive once.
create function notify_message_log_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('frontdesk_messages', new.clinic_id::text);
  return null;
end;
$$;

create trigger message_log_messages_changed after insert or update on messages
  for each row execute function notify_message_log_changed();
create trigger message_log_calls_changed after insert or update on calls
  for each row execute function notify_message_log_changed();

-- Down Migration
drop trigger message_log_calls_changed on calls;
drop trigger message_log_messages_changed on messages;
drop function notify_message_log_changed();
