-- Up Migration

-- The reply to CHANGE when the provider has no open time soon: a message kind of its own, so clinics
-- can word it (and translate it) like the others.
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help'));

-- Down Migration

delete from message_templates where kind = 'no_open_slots';
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'followup_reminder', 'help'));
