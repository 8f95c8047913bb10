/**
 * Failed staff sign-ins, counted in Postgres (`sign_in_failures`) so that several API processes agree,
 * under `address:<ip or IPv6 /64>` and under the account's key (`StaffSessions.accountKey`).
 * Two bars over a sliding window of `SIGN_IN_WINDOW_MS`:
 * - per client address (an IPv6 /64 counts as one): `ADDRESS_FAILURE_LIMIT` failures, then 429 until
 *   the window passes;
 * - per account (the one admin password), across all addresses: `ACCOUNT_FAILURE_LIMIT` failures, then
 *   every sign-in answer waits `ACCOUNT_SLOWDOWN_MS` first. A slowdown, not a lock: a password-guessing
 *   botnet cannot lock the staff out, but it gets about one guess per connection every few seconds.
 */
import type { Sql } from '../db/sql.js';

/** The sliding window both bars count over (ms): 15 minutes. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Failures one client address may have in the window before it is refused. */
export const ADDRESS_FAILURE_LIMIT = 10;
/** Failures across all addresses in the window before sign-in slows down. */
export const ACCOUNT_FAILURE_LIMIT = 100;
/** How long each sign-in waits while the account bar is passed (ms). */
export const ACCOUNT_SLOWDOWN_MS = 3000;
/** The key a client address group's failures are counted under. */
export function addressKey(group: string): string {
  return `address:${group}`;
}

/** How many failures `key` had in the last `SIGN_IN_WINDOW_MS`. */
export async function countSignInFailures(sql: Sql, key: string): Promise<number> {
  const [row] = await sql`
    select count(*)::int as n from sign_in_failures
    where key = ${key} and failed_at > now() - ${SIGN_IN_WINDOW_MS} * interval '1 millisecond'`;
  return row!.n as number;
}

/** Records one failure under each of `keys`, and drops failures older than the window. */
export async function recordSignInFailure(sql: Sql, keys: string[]): Promise<void> {
  await sql`insert into sign_in_failures ${sql(keys.map((key) => ({ key })))}`;
  await sql`delete from sign_in_failures where failed_at < now() - ${SIGN_IN_WINDOW_MS} * interval '1 millisecond'`;
}
