/**
 * A fresh clinic per test file, so files sharing one Postgres never see each other's tickets.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { getClinicBySlug, type Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';

/** Lines 0000–0199 are left for numbers a test writes out by hand (+13125550199, +12025550000…). */
const FIRST_DRAWN_LINE = 200;
/** Lines a test process claims at a time. */
const BLOCK_LINES = 50;
const blocks = new Map<string, { next: number; end: number }>();

/**
 * Claims the next free block of `BLOCK_LINES` lines of `area` for this process, for the whole test
 * run: a block is claimed by creating its directory under the run's `phoneBlocksDir`, which only one
 * process can do. Test files share one Postgres, so this keeps every drawn number to one file.
 * @throws Error when every block of `area` is taken.
 */
function claimBlock(area: string): { next: number; end: number } {
  for (let first = FIRST_DRAWN_LINE; first + BLOCK_LINES <= 10_000; first += BLOCK_LINES) {
    try {
      mkdirSync(path.join(inject('phoneBlocksDir'), `${area}-${first}`));
      return { next: first, end: first + BLOCK_LINES };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`every +1${area}555 line is taken in this test run`);
}

/**
 * A valid US number in a fictional 555 exchange, `+1<area>555xxxx`, drawn by no other call in the
 * whole test run (see `claimBlock`), so a test may look a number up across the shared database.
 * By convention 202 numbers belong to test clinics, 312 to patients and 415 to the shared `main` clinic.
 * Never line 0006, which the console provider plays as a landline (texts undelivered): lines below
 * 0200 are never drawn.
 */
export function fictionalNumber(area: '202' | '312' | '415'): string {
  let block = blocks.get(area);
  if (!block || block.next === block.end) blocks.set(area, (block = claimBlock(area)));
  const line = block.next;
  block.next += 1;
  return `+1${area}555${String(line).padStart(4, '0')}`;
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
  const clinicNumber = fictionalNumber('202');
  await sql`
    insert into clinic_numbers (address, clinic_id, channel)
    values (${clinicNumber}, ${row!.id}, 'sms'), (${`whatsapp:${clinicNumber}`}, ${row!.id}, 'whatsapp')`;
  return { clinic: await getClinicBySlug(sql, slug), clinicNumber };
}
