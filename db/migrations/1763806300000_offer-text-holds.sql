-- Up Migration

-- A text's try in flight: until when the messenger's request to Twilio, and its recording of the
-- answer, may still be under way (src/messaging/messenger.ts sets it as a try starts, and clears it
-- once Twilio's answer is recorded). A sender that gives up on a text (a waitlist round's texts not
-- sent in their 30 minutes) ends it only once no try is in flight, so a text Twilio takes at that
-- moment is known as sent, never both `failed` and taken (src/messaging/unsentDeliveries.ts). Null:
-- no try is under way. No backfill: rows written before have no try in flight.
alter table messages add column trying_until timestamptz;

-- When a waitlist offer's text went (Twilio took it: its message's sent_at), written with the hold
-- that runs from it (src/activities/offerTexts.ts); null while the text is still being sent, when the
-- offer's hold_expires_at is the latest its hold could end and the Cancellations page counts nothing
-- down. Backfilled from the message log for the offers texted before.
alter table offers add column texted_at timestamptz;
update offers o set texted_at = m.sent_at
from messages m
where m.idempotency_key = 'offer:' || o.id::text and m.provider_sid is not null;

-- Down Migration

alter table offers drop column texted_at;
alter table messages drop column trying_until;
