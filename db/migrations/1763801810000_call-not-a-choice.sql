-- Up Migration

-- The menu of a reminder call after a wrong key: a short apology ("that key is not one of the
-- choices") and the choices, instead of the whole greeting again.
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded', 'call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline',
                  'call_wrong_keys', 'call_not_a_choice'));

-- Down Migration

delete from message_templates where kind = 'call_not_a_choice';
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded', 'call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline',
                  'call_wrong_keys'));
