/**
 * Whether a patient's number is known to take no texts (a landline), so no call promises a text and no
 * text follows an unanswered call. Known two ways: the numbering plan says it is a fixed line
 * (`isFixedLine`, libphonenumber's metadata; silent for plans such as +1 that do not tell fixed from
 * mobile), or a text to it came back with Twilio error 30006 "Landline or unreachable carrier"
 * (twilio.com/docs/api/errors/30006), as recorded in the message log by the status webhook.
 *
 * A 30006 is not the last word: Twilio gives it for a carrier it cannot reach too, and a landline
 * number can be ported to a mobile. So a later SMS from the number, or a later SMS to it that Twilio
 * reports `delivered` or `read`, shows it takes texts, and the 30006 before it no longer counts. (A
 * WhatsApp message either way shows nothing about SMS.)
 *
 * The retention purge masks the numbers in the message log; before it does, it records each number
 * whose 30006 still counts (`rememberLandlines`) in `landline_numbers`, with when the text found it,
 * and on the open appointments of that number, so the landline is still known afterwards
 * (`isKnownLandline`), and a request to call back a patient on a landline (anotherTimeAsked.ts)
 * outlives the receipt. A text from or delivered to the number after that moment, while it is still in
 * the log, shows again that it takes texts.
 *
 * `landline_numbers` keeps no number: a phone number is kept only the clinic's `retention_days`
 * (README, Retention), so it keeps the number's SHA-256 digest (of its E.164 text), which tells whether
 * a number in hand is a known landline and lists none. A digest is a pseudonym, not anonymity (anyone
 * holding the table can test any number, and so find one by trying them all); it is kept, like
 * opt-outs, with no end of its own.
 */
import type postgres from 'postgres';
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { LANDLINE_ERROR } from '../domain/deliveryFallback.js';
import { isFixedLine } from '../domain/phone.js';

/** A SQL expression: the digest `landline_numbers` keeps of `phone` (a value or a column), SHA-256 of its E.164 text. */
const phoneDigest = (sql: Sql | TransactionSql, phone: string | postgres.Helper<string>) => (sql as Sql)`sha256(convert_to(${phone}, 'UTF8'))`;

/**
 * A SQL condition: an SMS from `phone`, or one to it that Twilio reports `delivered` or `read`, logged
 * after `since` (a timestamp expression of the outer query): the number took texts then.
 */
function textsTakenAfter(sql: Sql, phone: string | postgres.Helper<string>, since: postgres.Helper<string>) {
  return sql`exists (select 1 from messages later where later.phone = ${phone} and later.channel = 'sms' and later.created_at > ${since}
    and (later.direction = 'inbound' or later.status in ('delivered', 'read')))`;
}

/**
 * A SQL condition (a fragment for a larger query): a text to `phone` came back undelivered with 30006,
 * in the message log or, its receipt purged since, as the purge recorded it (`landline_numbers`), and
 * no SMS from the number, nor one delivered to it, came after. `phone` is a value (E.164) or a column
 * of the outer query (`sql('p.phone')`).
 */
export function landlineReceiptExists(sql: Sql, phone: string | postgres.Helper<string>) {
  return sql`(exists (select 1 from messages m where m.phone = ${phone} and m.direction = 'outbound' and m.error_code = ${LANDLINE_ERROR}
      and not ${textsTakenAfter(sql, phone, sql('m.created_at'))})
    or exists (select 1 from landline_numbers l where l.phone_sha256 = ${phoneDigest(sql, phone)}
      and not ${textsTakenAfter(sql, phone, sql('l.recorded_at'))}))`;
}

/** Whether `phone` (E.164) is a landline: a fixed line by its numbering plan, or a text to it came back undelivered with 30006. */
export async function isKnownLandline(sql: Sql, phone: string): Promise<boolean> {
  if (isFixedLine(phone)) return true;
  const [row] = await sql<{ landline: boolean }[]>`select ${landlineReceiptExists(sql, phone)} as landline`;
  return row!.landline;
}

/**
 * Records, in the retention purge's transaction `tx`, each number that a text of clinic `clinicId` older
 * than `cutoff` and not yet purged found to be a landline, where no later SMS from or delivered to the
 * number says otherwise: its digest in `landline_numbers` (read at every clinic, as the receipts are)
 * with when the text found it (the latest such text's time, kept if an earlier purge recorded a later
 * one), and on every open appointment of it that it takes no texts (`appointments.landline_known`). Run
 * before the purge masks those texts' numbers (src/retention/purgeExpiredRecords.ts); idempotent.
 */
export async function rememberLandlines(tx: TransactionSql, clinicId: number, cutoff: Date): Promise<void> {
  const sql = tx as unknown as Sql;
  const landlines = tx`
    select m.phone, max(m.created_at) as found_at from messages m
    where m.clinic_id = ${clinicId} and m.purged_at is null and m.created_at < ${cutoff} and m.direction = 'outbound' and m.error_code = ${LANDLINE_ERROR}
      and not ${textsTakenAfter(sql, sql('m.phone'), sql('m.created_at'))}
    group by m.phone`;
  await tx`
    insert into landline_numbers (phone_sha256, recorded_at)
    select ${phoneDigest(tx, tx('phone'))}, found_at from (${landlines}) found
    on conflict (phone_sha256) do update set recorded_at = greatest(landline_numbers.recorded_at, excluded.recorded_at)`;
  await tx`
    update appointments set landline_known = true
    where status in ('booked', 'confirmed') and not landline_known and phone in (select phone from (${landlines}) found)`;
}
