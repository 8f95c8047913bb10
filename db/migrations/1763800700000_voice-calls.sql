-- Up Migration

-- What a reminder call says: spoken kinds of message template, so clinics can word (and translate)
-- the keypad menu, the voicemail and the outcomes like their texts.
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded'));

-- The console provider's telephone (no Twilio account): the `<Gather>` action a console call waits
-- on for a key press, as Twilio would remember it; null when the call waits for nothing.
alter table calls
  add column console_gather_url text,
  add column console_status_callback text; -- the StatusCallback the console reports the call's end to

-- Down Migration

alter table calls drop column console_status_callback, drop column console_gather_url;
delete from message_templates where kind like 'call\_%';
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help'));
