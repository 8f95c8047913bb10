-- Up Migration

-- What a reminder call says when the patient presses a key after the question the call asked has
-- closed: staff moved the appointment during the call (the move's text asks about the new time), or
-- the patient answered by text, or staff closed it. The key changes nothing, and the call says so:
-- call_question_closed (a text has the details) and call_question_closed_landline (no text can
-- arrive: call the clinic). Until now the key answered whatever question was open, so a 1 or a 3
-- could confirm or cancel a new time the call never read out.
insert into message_template_kinds (kind) values ('call_question_closed'), ('call_question_closed_landline');

-- Down Migration

delete from message_templates where kind in ('call_question_closed', 'call_question_closed_landline');
delete from message_template_kinds where kind in ('call_question_closed', 'call_question_closed_landline');
