-- Up Migration

-- What a reminder call says when it is answered after its visit was cancelled (by staff, or by the
-- patient's text, while the phone rang): call_visit_cancelled, instead of the keypad menu, whose keys
-- would change nothing. Until now the call read the cancelled visit's reminder and asked the patient to
-- press 1 to confirm it.
insert into message_template_kinds (kind) values ('call_visit_cancelled');

-- Down Migration

delete from message_templates where kind = 'call_visit_cancelled';
delete from message_template_kinds where kind = 'call_visit_cancelled';
