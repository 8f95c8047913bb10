-- Up Migration

-- What a reminder call to a mobile says when the patient pressed 2 (another time) and no other time
-- is open: call_no_open_slots, that the visit stays and to call the clinic, with the no_open_slots
-- text to follow; until now the call said a list of times was being texted, which was not true.
insert into message_template_kinds (kind) values ('call_no_open_slots');

-- Down Migration

delete from message_templates where kind = 'call_no_open_slots';
delete from message_template_kinds where kind = 'call_no_open_slots';
