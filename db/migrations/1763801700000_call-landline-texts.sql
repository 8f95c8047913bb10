-- Up Migration

-- What a reminder call says to a number known to be a landline after a key: no text follows (one
-- could not arrive), so the confirmation and the cancellation promise none, and for another time the
-- patient is asked to call the clinic. Kinds of their own, so clinics can word them like the others.
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded', 'call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline'));

-- Down Migration

delete from message_templates where kind in ('call_confirmed_landline', 'call_cancelled_landline', 'call_reschedule_landline');
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('booking_confirmation', 'reminder', 'confirmed', 'cancelled', 'reschedule_options', 'rescheduled',
                  'no_open_slots', 'followup_reminder', 'help',
                  'offer', 'offer_won', 'offer_taken', 'offer_declined', 'offer_withdrawn',
                  'call_reminder', 'call_voicemail', 'call_confirmed', 'call_cancelled', 'call_reschedule', 'call_goodbye',
                  'call_unrecorded'));
