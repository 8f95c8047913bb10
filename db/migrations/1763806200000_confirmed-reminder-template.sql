-- Up Migration

-- The reminder a patient gets once their visit is confirmed (YES to an earlier reminder, a waitlist
-- offer taken, a time picked from the list): the visit's time and the number to call if they cannot
-- come; it asks nothing (the `reminder` kind asks YES / NO / CHANGE). A texted kind, so a clinic may
-- also save a WhatsApp template for it.
insert into message_template_kinds (kind) values ('confirmed_reminder');
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed_reminder', 'confirmed', 'cancelled', 'reschedule_options',
                  'rescheduled', 'no_open_slots', 'followup_reminder', 'help', 'list_help', 'offer_help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));

-- Down Migration

delete from whatsapp_templates where kind = 'confirmed_reminder';
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help', 'list_help', 'offer_help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));
delete from message_templates where kind = 'confirmed_reminder';
delete from message_template_kinds where kind = 'confirmed_reminder';
