/**
 * Whether a patient's number is known to take no texts (a landline), so nothing is texted to it and
 * no call promises a text. Known two ways: the numbering plan says it is a fixed line (`isFixedLine`,
 * libphonenumber's metadata; silent for plans such as +1 that do not tell fixed from mobile), or a
 * text to it came back with Twilio error 30006 "Landline or unreachable carrier"
 * (twilio.com/docs/api/errors/30006), as recorded in the message log by the status webhook.
 */
import type postgres from 'postgres';
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
