-- Up Migration

-- The line before the fresh list of open times that answers a patient's pick from the list when
-- someone else took that time while they chose ("Sorry, that time was just taken."). A kind of its
-- own, written before the clinic's wording of reschedule_options, because that text is also the
-- answer to CHANGE, where nothing was taken.
insert into message_template_kinds (kind) values ('slot_taken');

-- Down Migration

delete from message_templates where kind = 'slot_taken';
delete from message_template_kinds where kind = 'slot_taken';
