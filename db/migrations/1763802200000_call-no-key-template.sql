-- Up Migration

-- What a reminder call says when the patient pressed nothing before the keypad menu timed out:
-- call_no_key, a short "we did not hear a key" and the choices, not the whole greeting again (as
-- call_not_a_choice does after a wrong key).
insert into message_template_kinds (kind) values ('call_no_key');

-- Down Migration

delete from message_templates where kind = 'call_no_key';
delete from message_template_kinds where kind = 'call_no_key';
