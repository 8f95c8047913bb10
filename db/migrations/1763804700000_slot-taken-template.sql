-- Up Migration

-- The line before the reply to a patient's pick from the list of open times when someone else took
-- that time while they chose ("Sorry, that time was just taken."), then the fresh list or the
-- no_open_slots text. A kind of its own, written before the clinic's wording of those texts, because
-- they are also the answer to CHANGE, where nothing was taken.
insert into message_template_kinds (kind) values ('slot_taken');

-- Down Migration

delete from message_templates where kind = 'slot_taken';
delete from message_template_kinds where kind = 'slot_taken';
