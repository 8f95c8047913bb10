-- Up Migration

-- When the patient first confirmed the appointment (YES, a keypad 1, a WhatsApp button, or a time
-- picked from the reschedule list), kept when it is later visited or moved: the Numbers page's
-- confirmation rate counts it. Written with the status by the chain's recordAppointmentState.
alter table appointments add column confirmed_at timestamptz;
-- Appointments confirmed before this column existed; those already visited cannot be told apart.
update appointments set confirmed_at = updated_at where status = 'confirmed';

-- Down Migration

alter table appointments drop column confirmed_at;
