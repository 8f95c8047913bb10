-- Up Migration

-- A text's try in flight: until when the messenger's request to Twilio, and its recording of the
-- answer, may still be under way (src/messaging/messenger.ts sets it as a try starts, and clears it
-- once Twilio's answer is recorded). A sender that gives up on a text (a waitlist round's send
-- activity timed out) ends it only once no try is in flight, so a text Twilio takes at that moment is
-- known as sent, never both `failed` and taken (src/messaging/unsentDeliveries.ts). Null: no try is
-- under way. No backfill: rows written before have no try in flight.
alter table messages add column trying_until timestamptz;

-- Down Migration

alter table messages drop column trying_until;
