-- Up Migration

-- The appointment a patient's CANCEL text cancelled, on that inbound message's row
-- (src/appointments/cancelWord.ts). When a later step of handling the text fails (the ticket leaving
-- the line, the opt-out), the reply sweep handles the message again: it then finds the visit this
-- message already cancelled instead of cancelling the patient's next one too.
alter table messages add column cancelled_appointment_id bigint references appointments (id) on delete set null;

-- Down Migration

alter table messages drop column cancelled_appointment_id;
