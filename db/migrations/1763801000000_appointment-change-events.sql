-- Up Migration
-- "A clinic's appointments changed" as NOTIFY frontdesk_appointments '<clinic id>', from every writer
-- (the chain's activities, booking, a delivery's status callback, a call's progress), so every open
-- Appointments page re-renders within a second whichever process made the change. Notifications with
-- the same payload in one transaction arrive once.
create function notify_appointments_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('frontdesk_appointments', (case when tg_op = 'DELETE' then old.clinic_id else new.clinic_id end)::text);
  return null;
end;
$$;

create trigger appointments_changed after insert or update or delete on appointments
  for each row execute function notify_appointments_changed();
-- An appointment's messages and calls: their delivery status shows on the page.
create trigger appointment_messages_changed after insert or update on messages
  for each row when (new.appointment_id is not null) execute function notify_appointments_changed();
create trigger appointment_calls_changed after insert or update on calls
  for each row when (new.appointment_id is not null) execute function notify_appointments_changed();

-- Down Migration
drop trigger appointment_calls_changed on calls;
drop trigger appointment_messages_changed on messages;
drop trigger appointments_changed on appointments;
drop function notify_appointments_changed();
