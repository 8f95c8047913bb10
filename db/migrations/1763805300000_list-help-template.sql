-- Up Migration

-- The help a patient gets for HELP while a list of open times is their open question (they asked
-- for another time): how to pick a number, keep the visit (YES) or cancel it (NO). The `help` kind
-- answers a reminder's question. A texted kind, so a clinic may also save a WhatsApp template for it.
insert into message_template_kinds (kind) values ('list_help');
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help', 'list_help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));

-- Down Migration

delete from whatsapp_templates where kind = 'list_help';
alter table whatsapp_templates drop constraint whatsapp_templates_kind_check;
alter table whatsapp_templates add constraint whatsapp_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn'));
delete from message_templates where kind = 'list_help';
delete from message_template_kinds where kind = 'list_help';
