-- Up Migration

-- Staff's abort of a cancellation, recorded before it is sent to the offer workflow
-- (src/waitlist/abortRequests.ts). A workflow busy with a round of offers takes an update only when
-- its current step hands in: the abort then answers 202 "under way" at its 5 s deadline instead of a
-- 503, and each API process's sweep sends it again, as the same Temporal update, until the cancellation
-- has ended, so a recorded abort is never lost (Temporal keeps an update the workflow has not taken in
-- memory only). One row per cancellation, kept once it has ended (staff asked, and when).
--
-- A table of its own, with no foreign key: a round holds its cancellation's row (`for update`) while
-- it is made, and an update of that row, or a foreign key's check of it, would wait for the round,
-- which is what staff must not wait on.
create table cancellation_abort_requests (
  cancellation_id bigint primary key,
  requested_at timestamptz not null default now(),
  requested_by text not null
);

-- Down Migration

drop table cancellation_abort_requests;
