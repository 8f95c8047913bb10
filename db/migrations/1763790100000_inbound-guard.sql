-- Up Migration

-- The per-number guard on a clinic's public number: texts one number may send in a minute and still
-- be answered (opt-out and opt-in words are always honoured).
alter table clinics add column inbound_texts_per_minute integer not null default 10
  check (inbound_texts_per_minute between 1 and 1000);

-- A number's recent texts to a clinic, counted by the guard on every inbound message.
create index messages_inbound_from on messages (clinic_id, phone, created_at desc) where direction = 'inbound';

-- Down Migration
drop index messages_inbound_from;
alter table clinics drop column inbound_texts_per_minute;
