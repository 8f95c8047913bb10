/**
 * Whether a patient's number is known to take no texts (a landline), so nothing is texted to it and
 * no call promises a text. Known two ways: the numbering plan says it is a fixed line (`isFixedLine`,
 * libphonenumber's metadata; silent for plans such as +1 that do not tell fixed from mobile), or a
 * text to it came back with Twilio error 30006 "Landline or unreachable carrier"
 * (twilio.com/docs/api/errors/30006), as recorded in the message log by the status webhook. The
 * retention purge masks the numbers in the message log; before it does, it records each such number
 * (`rememberLandlines`) in `landline_numbers` and on the open appointments of that number, so the
 * landline is still known afterwards: no text is tried to it again (`isKnownLandline`), and a request
 * to call back a patient on a landline (anotherTimeAsked.ts) outlives the receipt.
 *
 * `landline_numbers` keeps no number: a phone number is kept only the clinic's `retention_days`
 * (README, Retention), so it keeps the number's SHA-256 digest (of its E.164 text), which tells whether
 * a number in hand is a known landline and lists none. A digest is a pseudonym, not anonymity (anyone
 * holding the table can test any number, and so find one by trying them all); it is kept, like
 * opt-outs, with no end of its own, since a landline stays one.
 */
import type postgres from 'postgres';
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { LANDLINE_ERROR } from '../domain/deliveryFallback.js';
import { isFixedLine } from '../domain/phone.js';

/** A SQL expression: the digest `landline_numbers` keeps of `phone` (a value or a column), SHA-256 of its E.164 text. */
const phoneDigest = (sql: Sql | TransactionSql, phone: string | postgres.Helper<string>) => (sql as Sql)`sha256(convert_to(${phone}, 'UTF8'))`;

/**
 * A SQL condition (a fragment for a larger query): a text to `phone` came back undelivered with 30006,
 * in the message log or, its receipt purged since, as the purge recorded it (`landline_numbers`).
 * `phone` is a value (E.164) or a column of the outer query (`sql('p.phone')`).
 */
export function landlineReceiptExists(sql: Sql, phone: string | postgres.Helper<string>) {
  return sql`(exists (select 1 from messages m where m.phone = ${phone} and m.direction = 'outbound' and m.error_code = ${LANDLINE_ERROR})
    or exists (select 1 from landline_numbers l where l.phone_sha256 = ${phoneDigest(sql, phone)}))`;
}

/** Whether `phone` (E.164) is a landline: a fixed line by its numbering plan, or a text to it came back undelivered with 30006. */
export async function isKnownLandline(sql: Sql, phone: string): Promise<boolean> {
  if (isFixedLine(phone)) return true;
  const [row] = await sql<{ landline: boolean }[]>`select ${landlineReceiptExists(sql, phone)} as landline`;
  return row!.landline;
}

/**
 * Records, in the retention purge's transaction `tx`, each number that a text of clinic `clinicId` older
 * than `cutoff` and not yet purged found to be a landline: its digest in `landline_numbers` (read at
 * every clinic, as the receipts are), and on every open appointment of it that it takes no texts
 * (`appointments.landline_known`). Run before the purge masks those texts' numbers
 * (src/retention/purgeExpiredRecords.ts); idempotent.
 */
export async function rememberLandlines(tx: TransactionSql, clinicId: number, cutoff: Date): Promise<void> {
  const landlines = tx`
    select phone from messages
    where clinic_id = ${clinicId} and purged_at is null and created_at < ${cutoff} and direction = 'outbound' and error_code = ${LANDLINE_ERROR}`;
  await tx`
    insert into landline_numbers (phone_sha256)
    select distinct ${phoneDigest(tx, tx('phone'))} from (${landlines}) found
    on conflict do nothing`;
  await tx`
    update appointments set landline_known = true
    where status in ('booked', 'confirmed') and not landline_known and phone in (${landlines})`;
}
