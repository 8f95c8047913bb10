/**
 * What the call log knows of a reminder call Twilio has not taken, as the message log knows it of a
 * text (1763804300000_message-sending.ts): a call with no CallSid yet (`queued`) is tried again by its
 * sender until `send_until` (a call activity's schedule-to-close; src/messaging/unsentDeliveries.ts),
 * and `send_error` is what Twilio answered its last try (a 429, a 5xx, no answer). Past `send_until` it
 * will never be placed: the API's sweep marks it `failed`, found through `calls_unplaced`, which holds
 * only such calls. Calls left `queued` with no CallSid before this migration were logged by a sender
 * that tries for half an hour: they end `failed` an hour after they were logged, as such texts did.
 *
 * And staff's recorded aborts (`cancellation_abort_requests`, 1763804350000_abort-requests.sql) as
 * `NOTIFY frontdesk_waitlist '<clinic id>'`, as the waitlist's other tables send it
 * (1763801500000_waitlist-change-events.sql): every open Cancellations page shows "Abort under way"
 * as soon as an abort is recorded, not only once the offer workflow writes the end, and its Abort
 * button again when a refused abort is dropped. The table has no clinic: the trigger reads it from the
 * cancellation's row with a plain select, which a round holding that row (`for update`) does not block.
 *
 * The index is built `concurrently`, so calls keep being written while it reads the table: no
 * transaction (see 1763802300000_messages-by-clinic-phone.ts), each statement a step of its own that a
 * run after a failed one repeats harmlessly.
 */
import type { MigrationBuilder } from 'node-pg-migrate';

/** Adds `send_until`, `send_error` and `calls_unplaced` to `calls`, and the abort requests' trigger, outside a transaction. */
export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('alter table calls add column if not exists send_until timestamptz, add column if not exists send_error text');
  pgm.sql(`
    update calls set send_until = created_at + interval '1 hour'
    where status = 'queued' and call_sid is null and send_until is null`);
  // A concurrent build that failed part way leaves an invalid index of this name: drop it so this run builds it again.
  pgm.sql('drop index concurrently if exists calls_unplaced');
  pgm.sql("create index concurrently calls_unplaced on calls (send_until) where status = 'queued' and call_sid is null");

  pgm.sql(`
    create or replace function notify_abort_requests_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('frontdesk_waitlist', c.clinic_id::text)
      from cancellation_events c
      where c.id = case when tg_op = 'DELETE' then old.cancellation_id else new.cancellation_id end;
      return null;
    end;
    $$`);
  pgm.sql('drop trigger if exists cancellation_abort_requests_changed on cancellation_abort_requests');
  pgm.sql(`
    create trigger cancellation_abort_requests_changed after insert or update or delete on cancellation_abort_requests
      for each row execute function notify_abort_requests_changed()`);
}

/** Drops them again, outside a transaction. */
export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('drop trigger if exists cancellation_abort_requests_changed on cancellation_abort_requests');
  pgm.sql('drop function if exists notify_abort_requests_changed()');
  pgm.sql('drop index concurrently if exists calls_unplaced');
  pgm.sql('alter table calls drop column if exists send_until, drop column if exists send_error');
}
