-- Up Migration

-- A call row keeps two notes apart, as staff and `GET /api/appointments/{id}` read them:
-- `note`, why the attempt went as a call (the chain's fallback reason, e.g. "the text was undelivered
-- (30006): a landline, so a call"), written once when the call is placed, as a text's `note` is; and
-- `outcome_note`, what the call itself came to ("voicemail left", "no choice on the keypad", …), written
-- by the voice webhooks. Until now the webhooks wrote the outcome into `note` and the reason was never
-- kept: every call note so far is an outcome.
alter table calls add column outcome_note text;
update calls set outcome_note = note, note = null where note is not null;

-- Down Migration

update calls set note = coalesce(outcome_note, note);
alter table calls drop column outcome_note;
