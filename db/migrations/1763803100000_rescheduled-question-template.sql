-- Up Migration

-- The line after a staff move's rescheduled text: the reminder's question (YES to confirm, NO to
-- cancel, CHANGE for another time) about the new time, so the patient can confirm it at once. A kind
-- of its own, written after the clinic's rescheduled wording (its own or the shipped one), because
-- rescheduled is also the reply to a patient's pick from the list of open times, which asks nothing.
insert into message_template_kinds (kind) values ('rescheduled_question');

-- Down Migration

delete from message_templates where kind = 'rescheduled_question';
delete from message_template_kinds where kind = 'rescheduled_question';
