-- Up Migration

-- The country a clinic's staff write local phone numbers in (ISO 3166-1 alpha-2): a booking's
-- `9876543210` at a clinic in IN is +919876543210. The first clinic takes DEFAULT_COUNTRY at start.
alter table clinics add column default_country text not null default 'US' check (default_country ~ '^[A-Z]{2}$');

-- Down Migration

alter table clinics drop column default_country;
