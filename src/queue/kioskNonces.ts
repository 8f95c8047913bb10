/**
 * Kiosk form nonces: issued by the server with each kiosk page, good for `KIOSK_NONCE_TTL_MS`, and
 * the kiosk's hourly ticket cap (`clinics.kiosk_tickets_per_hour`), counted by the nonces first used
 * for a join in the last hour.
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.js';

/** How long a kiosk page's nonce may be used for a join (ms): one hour. */
export const KIOSK_NONCE_TTL_MS = 60 * 60 * 1000;

/** Stores and returns a new nonce for a kiosk page of `clinicId`; also drops nonces long past use. */
export async function issueKioskNonce(sql: Sql, clinicId: number): Promise<string> {
  const nonce = randomUUID();
  await sql`insert into kiosk_nonces (nonce, clinic_id, expires_at) values (${nonce}, ${clinicId}, now() + ${KIOSK_NONCE_TTL_MS} * interval '1 millisecond')`;
  // Past expiry plus an hour, a nonce neither joins nor counts towards the hourly cap.
  await sql`delete from kiosk_nonces where expires_at < now() - interval '1 hour'`;
  return nonce;
}

/**
 * What a join with `nonce` may do: `unknown` (never issued for this clinic, or expired), `capped`
 * (a first use while the clinic already gave `kiosk_tickets_per_hour` kiosk tickets in the last
 * hour), or `join` (a first use, now recorded, or a repeat of one that joined: the same ticket).
 * First uses are counted under a lock on the clinic's row, so concurrent joins cannot pass the cap.
 */
export async function claimKioskNonce(sql: Sql, clinicId: number, nonce: string): Promise<'unknown' | 'capped' | 'join'> {
  return sql.begin(async (tx) => {
    const [row] = await tx`select used_at from kiosk_nonces where nonce = ${nonce} and clinic_id = ${clinicId} and expires_at > now()`;
    if (row === undefined) return 'unknown';
    if (row.used_at !== null) return 'join';
    const [clinic] = await tx`select kiosk_tickets_per_hour from clinics where id = ${clinicId} for update`;
    const [used] = await tx`select count(*)::int as n from kiosk_nonces where clinic_id = ${clinicId} and used_at > now() - interval '1 hour'`;
    if ((used!.n as number) >= (clinic!.kiosk_tickets_per_hour as number)) return 'capped';
    await tx`update kiosk_nonces set used_at = now() where nonce = ${nonce}`;
    return 'join';
  });
}
