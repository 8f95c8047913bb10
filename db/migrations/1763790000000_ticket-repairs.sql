-- Up Migration

-- Staff ending a stuck ticket by hand (POST /api/tickets/{code}/end, the board's "End ticket"):
-- one row per repair, so every ticket closed outside its workflow can be accounted for.
create table ticket_repairs (
  id bigserial primary key,
  clinic_id integer not null references clinics (id) on delete cascade,
  ticket_id bigint not null references tickets (id) on delete cascade,
  workflow_id text not null,
  previous_state text not null,
  new_state text not null check (new_state in ('done', 'left')),
  -- What Temporal said about the workflow when staff ended the ticket: RUNNING (then terminated),
  -- COMPLETED, FAILED, TERMINATED, TIMED_OUT…, or NOT_FOUND.
  workflow_status text not null,
  ended_by text not null,
  reason text check (char_length(reason) <= 500),
  created_at timestamptz not null default now()
);
create index ticket_repairs_clinic on ticket_repairs (clinic_id, created_at desc);

-- Down Migration

drop table ticket_repairs;
