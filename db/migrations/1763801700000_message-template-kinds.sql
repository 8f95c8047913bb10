-- Up Migration

-- The kinds of message template, as rows a template's kind must name (a foreign key), instead of a
-- check constraint every new kind had to restate in full. The kinds new here are what a reminder
-- call says:
-- - to a number known to be a landline after a key (no text follows, one could not arrive):
--   call_confirmed_landline, call_cancelled_landline, and call_reschedule_landline, which asks the
--   patient to call the clinic for another time;
-- - after wrong keys on every menu: call_wrong_keys, a goodbye saying the visit has not been changed
--   and whom to call;
-- - after one wrong key: call_not_a_choice, a short apology and the choices, not the whole greeting.
-- A later kind is one insert into message_template_kinds.
create table message_template_kinds (kind text primary key);
insert into message_template_kinds (kind) values
  ('booking_confirmation'), ('reminder'), ('confirmed'), ('cancelled'), ('reschedule_options'), ('rescheduled'),
  ('no_open_slots'), ('followup_reminder'), ('help'),
  ('offer'), ('offer_won'), ('offer_taken'), ('offer_declined'), ('offer_withdrawn'),
  ('call_reminder'), ('call_voicemail'), ('call_confirmed'), ('call_cancelled'), ('call_reschedule'), ('call_goodbye'),
  ('call_unrecorded'), ('call_confirmed_landline'), ('call_cancelled_landline'), ('call_reschedule_landline'),
  ('call_wrong_keys'), ('call_not_a_choice');
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_fkey foreign key (kind) references message_template_kinds (kind);

-- Down Migration

delete from message_templates
where kind in ('call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline', 'call_wrong_keys', 'call_not_a_choice');
alter table message_templates drop constraint message_templates_kind_fkey;
drop table message_template_kinds;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded'));
