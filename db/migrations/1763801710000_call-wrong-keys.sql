-- Up Migration

-- The goodbye of a reminder call after wrong keys on every menu: it says the visit has not been
-- changed and whom to call, instead of the no-answer goodbye ("We did not get an answer").
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded', 'call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline',
                  'call_wrong_keys'));

-- Down Migration

delete from message_templates where kind = 'call_wrong_keys';
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded', 'call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline'));
