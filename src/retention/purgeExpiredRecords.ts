/**
 * Retention: message bodies and patients' phone numbers are kept only `retention_days` (a clinic
 * setting, default 90), then purged in place, so counts, statuses and delivery history stay:
 * - `messages`: body emptied, the reply and button payload dropped, the phone and the patient's
 *   address masked to the last four digits (`•••• 0123`, `whatsapp:•••• 0123`);
 * - `calls`: the phone and the called address masked, the key pressed dropped, and the call's stored
 *   TwiML (`call_steps`, which reads out the appointment) deleted;
 * - closed `tickets`: the phone masked and the note dropped;
 * - closed `patient_prompts` (a phone and what was asked): deleted;
 * - `phone_reveals` ("Show number" audit rows): the number shown masked, who showed which entry and when kept;
 * - `idempotency_keys` (what request each staff change's key was first sent with): deleted, uncounted. They
 *   hold no patient data; this bounds how long a key is remembered (src/api/idempotencyKey.ts).
 * Opt-outs, patients' languages, appointments, patients and waitlist entries are the clinic's records
 * and are not purged here; a text that found a number to be a landline (30006) is first recorded on
 * the open appointments of that number (`appointments.landline_known`, knownLandlines.ts), so staff's
 * request to call a landline back outlives it, and as the number's digest (`landline_numbers`), so no
 * text is tried to that landline again. Each clinic's purge is one transaction, recorded in `retention_purges`;
 * a purged row is never purged again, so a retried run purges only what is left.
 */
import type { Sql } from '../db/sql.js';
import { rememberLandlines } from '../messaging/knownLandlines.js';

/** What one run purged, summed over the clinics. */
export interface PurgeCounts {
  clinics: number;
  messages: number;
  calls: number;
  tickets: number;
  prompts: number;
  reveals: number;
}

// A number as staff screens show it (maskPhone, src/domain/phone.ts); an address keeps its `whatsapp:` prefix.
const maskedPhone = (sql: Sql, column: string) => sql`'•••• ' || right(${sql(column)}, 4)`;
const maskedAddress = (sql: Sql, column: string) => sql`regexp_replace(${sql(column)}, '\\+[0-9]*([0-9]{4})$', '•••• \\1')`;

/**
 * Purges, at every clinic, what is older than its `retention_days` as of now, and records each
 * clinic's counts. @returns the totals.
 * @throws postgres.js errors (the activity retries).
 */
export async function purgeExpiredRecords(sql: Sql): Promise<PurgeCounts> {
  const clinics = await sql<{ id: number }[]>`select id from clinics order by id`;
  const total: PurgeCounts = { clinics: clinics.length, messages: 0, calls: 0, tickets: 0, prompts: 0, reveals: 0 };
  for (const { id } of clinics) {
    const counts = await sql.begin(async (tx) => {
      const [{ cutoff }] = (await tx`select now() - make_interval(days => retention_days) as cutoff from clinics where id = ${id}`) as unknown as [
        { cutoff: Date },
      ];
      // A number the texts found to be a landline is kept on its open appointments before it is masked.
      await rememberLandlines(tx, id, cutoff);
      const messages = await tx`
        update messages set body = '', reply_body = null, button_payload = null, phone = ${maskedPhone(sql, 'phone')},
          from_address = case when direction = 'inbound' then ${maskedAddress(sql, 'from_address')} else from_address end,
          to_address = case when direction = 'outbound' then ${maskedAddress(sql, 'to_address')} else to_address end,
          purged_at = now()
        where clinic_id = ${id} and purged_at is null and created_at < ${cutoff}`;
      const calls = await tx`
        update calls set phone = ${maskedPhone(sql, 'phone')}, to_address = ${maskedAddress(sql, 'to_address')}, digits = null,
          console_gather_url = null, purged_at = now()
        where clinic_id = ${id} and purged_at is null and created_at < ${cutoff}
        returning call_sid`;
      const sids = calls.map((call) => call.call_sid as string | null).filter((sid): sid is string => sid !== null);
      if (sids.length > 0) await tx`delete from call_steps where call_sid = any(${sids})`;
      const tickets = await tx`
        update tickets set phone = case when phone is null then null else ${maskedPhone(sql, 'phone')} end, note = null, purged_at = now()
        where clinic_id = ${id} and purged_at is null and closed_at < ${cutoff}`;
      const prompts = await tx`delete from patient_prompts where clinic_id = ${id} and closed_at < ${cutoff}`;
      const reveals = await tx`
        update phone_reveals set phone = ${maskedPhone(sql, 'phone')} where clinic_id = ${id} and phone like '+%' and revealed_at < ${cutoff}`;
      await tx`delete from idempotency_keys where clinic_id = ${id} and created_at < ${cutoff}`;
      const row = { messages: messages.count, calls: calls.count, tickets: tickets.count, prompts: prompts.count, reveals: reveals.count };
      await tx`insert into retention_purges ${tx({ clinic_id: id, cutoff, ...row })}`;
      return row;
    });
    total.messages += counts.messages;
    total.calls += counts.calls;
    total.tickets += counts.tickets;
    total.prompts += counts.prompts;
    total.reveals += counts.reveals;
  }
  return total;
}

/** What the purge runs at clinic `clinicId` recorded from `from` (inclusive) to `to` (exclusive). */
export async function countPurges(sql: Sql, clinicId: number, from: Date, to: Date): Promise<{ runs: number } & Omit<PurgeCounts, 'clinics'>> {
  const [row] = await sql<{ runs: number; messages: number; calls: number; tickets: number; prompts: number; reveals: number }[]>`
    select count(*)::int as runs, coalesce(sum(messages), 0)::int as messages, coalesce(sum(calls), 0)::int as calls,
           coalesce(sum(tickets), 0)::int as tickets, coalesce(sum(prompts), 0)::int as prompts, coalesce(sum(reveals), 0)::int as reveals
    from retention_purges where clinic_id = ${clinicId} and purged_at >= ${from} and purged_at < ${to}`;
  return row!;
}
