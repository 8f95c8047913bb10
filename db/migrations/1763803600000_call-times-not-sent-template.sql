-- Up Migration

-- What a reminder call to a mobile says when the patient pressed 2 (another time) and the text with the
-- open times could not be sent (Twilio refused it, or the number has opted out of texts): call_times_not_sent,
-- that the text could not be sent, the clinic will call back (staff see a times_not_sent call-back
-- request) and the visit stays; until now the call said the text was being sent, which was not true.
insert into message_template_kinds (kind) values ('call_times_not_sent');

-- Down Migration

delete from message_templates where kind = 'call_times_not_sent';
delete from message_template_kinds where kind = 'call_times_not_sent';
