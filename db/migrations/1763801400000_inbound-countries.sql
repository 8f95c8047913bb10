-- Up Migration

-- SMS pumping: the countries whose numbers a clinic answers (ISO 3166-1 alpha-2). Null: the clinic's
-- default_country only (and it follows that setting). A text from a number of another country is
-- logged and left unanswered, so nobody can make the clinic's number text premium-rate destinations.
alter table clinics add column inbound_countries text[]
  check (inbound_countries is null or (cardinality(inbound_countries) between 1 and 250
         and array_to_string(inbound_countries, ',') ~ '^[A-Z]{2}(,[A-Z]{2})*$'));

-- Why an inbound text got no reply on purpose, for the metrics: `country` (not an allowed country),
-- `too_many` (over the per-number limit), `loop` (an auto-responder repeating itself).
alter table messages add column unanswered_reason text check (unanswered_reason in ('country', 'too_many', 'loop'));
create index messages_unanswered on messages (clinic_id, created_at) where unanswered_reason is not null;

-- Down Migration

drop index messages_unanswered;
alter table messages drop column unanswered_reason;
alter table clinics drop column inbound_countries;
