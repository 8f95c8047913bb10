/**
 * A number a text found to be a landline (Twilio 30006) stays known after the retention purge masks
 * that text's number, so no text is tried to it again; what is kept of it is a digest, not the number.
 * A later SMS from the number, or one delivered to it, outweighs a 30006 (Twilio gives it for an
 * unreachable carrier too, and numbers are ported). On the test Postgres, with the purge itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql } from '../../src/db/sql.js';
import { isKnownLandline } from '../../src/messaging/knownLandlines.js';
import { purgeExpiredRecords } from '../../src/retention/purgeExpiredRecords.js';
import { createTestClinic } from '../support/clinic.js';
import { patientPhone } from '../support/stack.js';

const sql = createSql(inject('databaseUrl'));
let clinic: Clinic;
let clinicNumber: string;
beforeAll(async () => {
  ({ clinic, clinicNumber } = await createTestClinic(sql));
});
afterAll(() => sql.end());

/** A text to `phone` `days` ago (the clinic keeps 90) that ended `status` with `errorCode`. @returns its id. */
async function textSent(phone: string, days: number, status: string, errorCode: number | null): Promise<string> {
  const [row] = await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status, error_code, created_at)
    values (${clinic.id}, 'outbound', 'sms', ${phone}, ${clinicNumber}, ${phone}, 'Test Clinic: your visit is Tue 10 Nov at 10:30.', ${randomUUID()},
            ${status}, ${errorCode}, ${new Date(Date.now() - days * 86_400_000)})
    returning id`;
  return row!.id as string;
}

/** An SMS from `phone` `days` ago. */
async function textReceived(phone: string, days: number): Promise<void> {
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    values (${clinic.id}, 'inbound', 'sms', ${phone}, ${phone}, ${clinicNumber}, 'STATUS', 'received', ${new Date(Date.now() - days * 86_400_000)})`;
}

describe('a landline found by a text', () => {
  it('is still known after the purge masked the text that found it, and a mobile is not', async () => {
    const landline = patientPhone();
    const mobile = patientPhone();
    const found = await textSent(landline, 200, 'undelivered', 30006);
    await textSent(mobile, 200, 'delivered', null);
    expect(await isKnownLandline(sql, landline)).toBe(true);

    await purgeExpiredRecords(sql);

    const rows = await sql`select phone, body from messages where id = ${found}`;
    expect(rows).toEqual([{ phone: `•••• ${landline.slice(-4)}`, body: '' }]);
    expect(await isKnownLandline(sql, landline)).toBe(true);
    expect(await isKnownLandline(sql, mobile)).toBe(false);
  });

  it('is kept as a digest: no row holds the number', async () => {
    const landline = patientPhone();
    await textSent(landline, 200, 'undelivered', 30006);
    await purgeExpiredRecords(sql);
    expect(await isKnownLandline(sql, landline)).toBe(true);
    const kept = await sql<{ row: string }[]>`select row_to_json(l)::text as row from landline_numbers l`;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.some(({ row }) => row.includes(landline.slice(2)))).toBe(false);
  });

  it('is no landline once an SMS came from it or was delivered to it after the 30006, and is one again after a later 30006', async () => {
    const texted = patientPhone();
    await textSent(texted, 10, 'undelivered', 30006);
    expect(await isKnownLandline(sql, texted)).toBe(true);
    await textReceived(texted, 5);
    expect(await isKnownLandline(sql, texted)).toBe(false);
    await textSent(texted, 1, 'undelivered', 30006);
    expect(await isKnownLandline(sql, texted)).toBe(true);

    const ported = patientPhone();
    await textSent(ported, 10, 'undelivered', 30006);
    await textSent(ported, 3, 'delivered', null);
    expect(await isKnownLandline(sql, ported)).toBe(false);
  });

  it('a WhatsApp message delivered after the 30006 says nothing about SMS', async () => {
    const phone = patientPhone();
    await textSent(phone, 10, 'undelivered', 30006);
    await sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status, created_at)
      values (${clinic.id}, 'outbound', 'whatsapp', ${phone}, ${`whatsapp:${clinicNumber}`}, ${`whatsapp:${phone}`}, 'Test Clinic: see you soon.', ${randomUUID()},
              'delivered', ${new Date(Date.now() - 3 * 86_400_000)})`;
    expect(await isKnownLandline(sql, phone)).toBe(true);
  });

  it('is not remembered by the purge when the number took a text after its 30006', async () => {
    const phone = patientPhone();
    await textSent(phone, 200, 'undelivered', 30006);
    await textSent(phone, 150, 'delivered', null);
    await purgeExpiredRecords(sql);
    expect(await isKnownLandline(sql, phone)).toBe(false);
  });

  it('once remembered by the purge, is no landline after a later SMS from it', async () => {
    const phone = patientPhone();
    await textSent(phone, 200, 'undelivered', 30006);
    await purgeExpiredRecords(sql);
    expect(await isKnownLandline(sql, phone)).toBe(true);
    await textReceived(phone, 0);
    expect(await isKnownLandline(sql, phone)).toBe(false);
  });
});
