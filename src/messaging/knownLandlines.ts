/**
 * Whether a patient's number is known to take no texts (a landline), so nothing is texted to it and
 * no call promises a text. Known two ways: the numbering plan says it is a fixed line (`isFixedLine`,
 * libphonenumber's metadata; silent for plans such as +1 that do not tell fixed from mobile), or a
 * text to it came back with Twilio error 30006 "Landline or unreachable carrier"
 * (twilio.com/docs/api/errors/30006), as recorded in the message log by the status webhook. The
 * retention purge masks the numbers in the message log; before it does, it records the receipt on the
 * open appointments of that number (`rememberLandlines`), so a request to call back a patient on a
 * landline (anotherTimeAsked.ts) outlives it. Deciding what to send (`isKnownLandline`) reads the
 * message log only: a number's receipts are forgotten for that with the rest of the log.
 */
import type postgres from 'postgres';
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { LANDLINE_ERROR } from '../domain/deliveryFallback.js';
import { isFixedLine } from '../domain/phone.js';

/**
 * A SQL condition (a fragment for a larger query): a text to `phone` came back undelivered with 30006.
 * `phone` is a value (E.164) or a column of the outer query (`sql('p.phone')`).
 */
export function landlineReceiptExists(sql: Sql, phone: string | postgres.Helper<string>) {
  return sql`exists (select 1 from messages m where m.phone = ${phone} and m.direction = 'outbound' and m.error_code = ${LANDLINE_ERROR})`;
}

/** Whether `phone` (E.164) is a landline: a fixed line by its numbering plan, or a text to it came back undelivered with 30006. */
export async function isKnownLandline(sql: Sql, phone: string): Promise<boolean> {
  if (isFixedLine(phone)) return true;
  const [row] = await sql<{ landline: boolean }[]>`select ${landlineReceiptExists(sql, phone)} as landline`;
  return row!.landline;
}

/**
 * Records, in the retention purge's transaction `tx`, on every open appointment (at any clinic, as the
 * receipts are read) of a number that a text of clinic `clinicId` older than `cutoff` and not yet purged
 * found to be a landline, that its number takes no texts (`appointments.landline_known`). Run before
 * the purge masks those texts' numbers (src/retention/purgeExpiredRecords.ts).
 */
export async function rememberLandlines(tx: TransactionSql, clinicId: number, cutoff: Date): Promise<void> {
  await tx`
    update appointments set landline_known = true
    where status in ('booked', 'confirmed') and not landline_known and phone in (
      select phone from messages
      where clinic_id = ${clinicId} and purged_at is null and created_at < ${cutoff} and direction = 'outbound' and error_code = ${LANDLINE_ERROR}
    )`;
}
