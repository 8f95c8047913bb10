/**
 * A fresh clinic per test file, so files sharing one Postgres never see each other's tickets.
 */
import { randomUUID } from 'node:crypto';
import { getClinicBySlug, type Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';

let nextLine = Math.floor(Math.random() * 10_000);

/**
 * A valid US number in a fictional 555 exchange, `+1<area>555xxxx`, different on every call in a process.
 * By convention 202 numbers belong to test clinics, 312 to patients and 415 to the shared `main` clinic.
 * Never line 0006: the console provider plays numbers ending in 0006 as landlines (texts undelivered).
 */
export function fictionalNumber(area: '202' | '312' | '415'): string {
  do nextLine = (nextLine + 1) % 10_000;
  while (nextLine === 6);
  return `+1${area}555${String(nextLine).padStart(4, '0')}`;
}

/**
 * Creates a clinic that owns a new SMS and WhatsApp number, in a time zone where it is mid-morning
 * now and closing at 20:00 local (unless `closingTime` says otherwise), so the line is open for the
 * whole run (~10 h).
 */
export async function createTestClinic(
  sql: Sql,
  options: { roomsOpen?: number; closingTime?: string } = {},
): Promise<{ clinic: Clinic; clinicNumber: string }> {
  const slug = `t-${randomUUID().slice(0, 8)}`;
  const offset = ((10 - new Date().getUTCHours() + 36) % 24) - 12;
  const timezone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const [row] = await sql`
    insert into clinics (slug, name, timezone, rooms_open, closing_time)
    values (${slug}, 'Test Clinic', ${timezone}, ${options.roomsOpen ?? 1}, ${options.closingTime ?? '20:00'}) returning id`;
  // Test files run in parallel processes that each count from a random line, so two can draw the
  // same number: draw again until one is free (clinic_numbers.address is the primary key).
  for (;;) {
    const clinicNumber = fictionalNumber('202');
    const taken = await sql
      .begin(async (tx) => {
        const sms = await tx`
        insert into clinic_numbers (address, clinic_id, channel) values (${clinicNumber}, ${row!.id}, 'sms')
        on conflict do nothing returning address`;
        const whatsapp = await tx`
        insert into clinic_numbers (address, clinic_id, channel) values (${`whatsapp:${clinicNumber}`}, ${row!.id}, 'whatsapp')
        on conflict do nothing returning address`;
        if (sms.length === 1 && whatsapp.length === 1) return false;
        throw new NumberTaken();
      })
      .catch((error: unknown) => {
        if (error instanceof NumberTaken) return true;
        throw error;
      });
    if (!taken) return { clinic: await getClinicBySlug(sql, slug), clinicNumber };
  }
}

class NumberTaken extends Error {}
