/**
 * Gives a join request its ticket code. The same join key (a JOIN's MessageSid, a kiosk form's
 * nonce) always gets the same code, so a retried JOIN reaches the same workflow ID.
 */
import type { Sql } from '../db/sql.js';
import { ticketCode } from '../domain/serviceDay.js';

/** The code for `joinKey` at the clinic: the one it already has, else the day's next number. */
export async function allocateTicketCode(sql: Sql, clinicId: number, joinKey: string, serviceDay: string): Promise<{ code: string; serviceDay: string }> {
  const earlier = async () => {
    const [row] = await sql`
      select code, service_day::text as service_day from ticket_code_allocations where clinic_id = ${clinicId} and join_key = ${joinKey}`;
    return row === undefined ? undefined : { code: row.code as string, serviceDay: row.service_day as string };
  };
  const found = await earlier();
  if (found !== undefined) return found;
  const inserted = await sql.begin(async (tx) => {
    const [counter] = await tx`
      insert into ticket_counters (clinic_id, service_day, last_number) values (${clinicId}, ${serviceDay}, 1)
      on conflict (clinic_id, service_day) do update set last_number = ticket_counters.last_number + 1
      returning last_number`;
    const code = ticketCode(serviceDay, counter!.last_number as number);
    const [row] = await tx`
      insert into ticket_code_allocations (clinic_id, join_key, service_day, code) values (${clinicId}, ${joinKey}, ${serviceDay}, ${code})
      on conflict do nothing returning code`;
    return row === undefined ? undefined : { code, serviceDay };
  });
  // A concurrent request with the same key won: use its code.
  return inserted ?? (await earlier())!;
}
