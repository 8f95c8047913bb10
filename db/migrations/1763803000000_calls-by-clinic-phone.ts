/**
 * One patient's calls on the Messages and calls page (`/admin/messages?phone=`, `listLogPage` in
 * `src/messaging/messageLog.ts`: `where clinic_id = … and phone = … order by created_at desc, id desc`,
 * near a keyset key). `calls_newest (clinic_id, created_at desc, id desc)` has no `phone`: Postgres
 * walked every call of the clinic, newest first, until it had a page of that number's. The new index
 * matches the query's filter and its whole order, as `messages_by_clinic_phone` does for the texts.
 *
 * Built `concurrently`, outside a transaction, like `1763802300000_messages-by-clinic-phone.ts`
 * (whose docstring says why this is a TypeScript migration).
 */
import type { MigrationBuilder } from 'node-pg-migrate';

/** Builds `calls_by_clinic_phone`, outside a transaction. */
export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  // A concurrent build that failed part way leaves an invalid index of this name: drop it first.
  pgm.sql('drop index concurrently if exists calls_by_clinic_phone');
  pgm.sql('create index concurrently calls_by_clinic_phone on calls (clinic_id, phone, created_at desc, id desc)');
}

/** Drops `calls_by_clinic_phone`, outside a transaction. */
export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('drop index concurrently if exists calls_by_clinic_phone');
}
