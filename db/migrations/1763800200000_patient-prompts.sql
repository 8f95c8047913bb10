-- Up Migration

-- What each patient has been asked and may answer by text, per clinic and phone: written by the
-- workflows' activities when they ask (a reminder's YES / NO / CHANGE, a numbered list of slots) and
-- closed when answered, replaced or expired. The reply router reads it: the most recent open prompt
-- that accepts an answer gets it, as the update `update_name` of workflow `workflow_id`.
create table patient_prompts (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  workflow_id text not null,
  update_name text not null,
  kind text not null,
  -- Accepted answers, normalised (upper case, no accents or punctuation): {YES,NO,CHANGE}, {1,2,3}.
  answers text[] not null check (cardinality(answers) > 0),
  -- The answers the question invited, listed by the help text (a subset: never CANCEL, see README).
  invited text[] not null check (invited <@ answers),
  asked_at timestamptz not null default now(),
  expires_at timestamptz not null,
  closed_at timestamptz,
  check (expires_at > asked_at)
);
-- A workflow asks one question at a time: asking again replaces its open prompt.
create unique index patient_prompts_open_per_workflow on patient_prompts (workflow_id) where closed_at is null;
create index patient_prompts_open_by_phone on patient_prompts (clinic_id, phone, asked_at desc) where closed_at is null;

-- Down Migration

drop table patient_prompts;
