-- Up Migration

-- The help a patient gets for HELP while a waitlist offer is their open question: reply YES to take
-- the offered visit or NO to pass (it used to be the walk-in line's help). A texted kind, so a clinic
-- may also save a WhatsApp template for it.
insert into message_template_kinds (kind) values ('offer_help');
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help', 'list_help', 'offer_help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));

-- Down Migration

delete from whatsapp_templates where kind = 'offer_help';
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help', 'list_help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));
delete from message_templates where kind = 'offer_help';
delete from message_template_kinds where kind = 'offer_help';
