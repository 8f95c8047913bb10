/**
 * One patient's page of a clinic's message log (`GET /api/messages?phone=`, `listMessages`:
 * `where clinic_id = … and phone = … order by created_at desc, id desc`, after a cursor) read in index
 * order. `messages_phone (phone, created_at desc)` has neither `clinic_id` nor `id`: Postgres read every
 * clinic's texts from that number and sorted the clinic's in memory for each page. The new index
 * matches the query's filter and its whole order; `messages_phone` stays for the reads by number alone
 * (`knownLandlines.ts`: a number any clinic's texts found to be a landline).
 *
 * Built `concurrently` so texts keep being written while it builds on a large table. That cannot run
 * in a transaction, which node-pg-migrate wraps every SQL file in, hence a TypeScript migration with
 * `pgm.noTransaction()` (node-pg-migrate's documented way; it loads .ts migrations through jiti). Each
 * statement is its own `pgm.sql` step: several in one query string would run in one implicit
 * transaction and fail the same way.
 */
import type { MigrationBuilder } from 'node-pg-migrate';

/** Builds `messages_by_clinic_phone`, outside a transaction. */
export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  // A concurrent build that failed part way (a deadlock, a cancel) leaves an invalid index of this
  // name behind and the migration unrecorded: drop it so the next run builds it again.
  pgm.sql('drop index concurrently if exists messages_by_clinic_phone');
  pgm.sql('create index concurrently messages_by_clinic_phone on messages (clinic_id, phone, created_at desc, id desc)');
}

/** Drops `messages_by_clinic_phone`, outside a transaction. */
export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('drop index concurrently if exists messages_by_clinic_phone');
}
