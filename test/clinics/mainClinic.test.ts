/**
 * The first clinic (`main`) takes its time zone and contact hours from CLINIC_TIMEZONE and
 * CONTACT_HOURS_START / CONTACT_HOURS_END at each start; a variable not set leaves the stored value,
 * so a staff change stands.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ensureMainClinic } from '../../src/clinics/clinics.js';
import { getClinicSettings, updateClinicSettings } from '../../src/clinics/clinicSettings.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createSql } from '../../src/db/sql.js';
import { fictionalNumber } from '../support/clinic.js';

// The only test file that touches the shared database's `main` clinic.
const sql = createSql(inject('databaseUrl'));
afterAll(() => sql.end());
const number = fictionalNumber('415');
const start = (env: Record<string, string>) => ensureMainClinic(sql, loadConfig({ TWILIO_PHONE_NUMBER: number, ...env }));

describe('the main clinic at start', () => {
  it('takes the contact hours given, and keeps the stored ones otherwise', async () => {
    const clinic = await start({ CONTACT_HOURS_START: '07:30', CONTACT_HOURS_END: '19:00' });
    expect(await getClinicSettings(sql, clinic.id)).toMatchObject({ slug: 'main', contactHoursStart: '07:30', contactHoursEnd: '19:00' });

    await updateClinicSettings(sql, clinic.id, { contactHoursEnd: '18:00' });
    await start({ CONTACT_HOURS_START: '09:00' });
    expect(await getClinicSettings(sql, clinic.id)).toMatchObject({ contactHoursStart: '09:00', contactHoursEnd: '18:00' });
  });

  it('takes CLINIC_TIMEZONE when given, and keeps a time zone staff set otherwise', async () => {
    expect((await start({ CLINIC_TIMEZONE: 'Asia/Kolkata' })).timezone).toBe('Asia/Kolkata');
    const clinic = await start({});
    expect(clinic.timezone).toBe('Asia/Kolkata');
    await updateClinicSettings(sql, clinic.id, { timezone: 'Europe/Madrid' });
    expect((await start({})).timezone).toBe('Europe/Madrid');
    expect((await start({ CLINIC_TIMEZONE: 'America/Chicago' })).timezone).toBe('America/Chicago');
  });

  it('reads local numbers in DEFAULT_COUNTRY', async () => {
    const clinic = await start({ DEFAULT_COUNTRY: 'IN' });
    expect(clinic.defaultCountry).toBe('IN');
    expect(await getClinicSettings(sql, clinic.id)).toMatchObject({ defaultCountry: 'IN' });
    expect((await start({})).defaultCountry).toBe('US');
  });

  it('stops with a ConfigError naming the variable when the hours would end before they start', async () => {
    const attempt = start({ CONTACT_HOURS_START: '18:30' });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/CONTACT_HOURS_START: contact hours must start before they end \(the clinic's are 09:00–18:00; set both variables\)/);
    const [row] = await sql`select to_char(contact_hours_start, 'HH24:MI') as start from clinics where slug = 'main'`;
    expect(row!.start).toBe('09:00');
  });
});
