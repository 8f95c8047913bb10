/**
 * Staff read and change a clinic's settings and message templates through the JSON API; a message is
 * rendered for a patient in their language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClinicBySlug } from '../../src/clinics/clinics.js';
import { renderMessage } from '../../src/clinics/messageTemplates.js';
import { formatPhoneForPeople } from '../../src/domain/phone.js';
import { MESSAGE_KINDS } from '../../src/domain/messageTemplates.js';
import { DEFAULT_REMINDER_RULES } from '../../src/domain/reminderRules.js';
import { json, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const settings = async () => json(await stack.api('/api/clinic'));
const patch = (body: string) => stack.api('/api/clinic', { method: 'PATCH', body });
const putTemplate = (path: string, body: unknown) => stack.api(`/api/clinic/templates/${path}`, { method: 'PUT', body: JSON.stringify(body) });
const templates = async () => (await json(await stack.api('/api/clinic/templates'))).templates as Record<string, unknown>[];

describe('clinic settings', () => {
  it('start at the defaults: contact 08:00-20:00, office Monday-Friday 09:00-17:00, 60-minute slots, English, reminders 24 h and 1 h before, unanswered calls again after 30 minutes, offers to 3 at once held 7 minutes, texts answered from its own country only, patient data kept 90 days', async () => {
    expect(await settings()).toEqual({
      clinic: stack.clinic.slug,
      name: 'Test Clinic',
      timezone: stack.clinic.timezone,
      rooms_open: 1,
      closing_time: '20:00',
      next_reminder_minutes: 5,
      office_phone: null,
      contact_hours_start: '08:00',
      contact_hours_end: '20:00',
      office_days: [1, 2, 3, 4, 5],
      office_opens: '09:00',
      office_closes: '17:00',
      slot_minutes: 60,
      default_language: 'en',
      default_country: 'US',
      cancel_is_opt_out: true,
      // The migration's column default and the domain's constant agree.
      reminder_rules: DEFAULT_REMINDER_RULES,
      call_retry_minutes: 30,
      offer_batch_size: 3,
      offer_hold_minutes: 7,
      max_offers_per_day: 3,
      offer_lead_minutes: 60,
      inbound_countries: ['US'],
      retention_days: 90,
    });
  });

  it('change in part: only the fields given', async () => {
    const response = await patch(
      JSON.stringify({
        office_phone: '+13125550142',
        contact_hours_start: '09:30',
        office_days: [6, 1, 3, 3],
        reminder_rules: [{ kind: 'day_before_at', time: '10:00' }],
        cancel_is_opt_out: false,
        call_retry_minutes: 45,
      }),
    );
    expect(response.status).toBe(200);
    const after = await json(response);
    expect(after).toMatchObject({
      office_phone: '+13125550142',
      contact_hours_start: '09:30',
      contact_hours_end: '20:00',
      office_days: [1, 3, 6],
      reminder_rules: [{ kind: 'day_before_at', time: '10:00' }],
      cancel_is_opt_out: false,
      call_retry_minutes: 45,
      slot_minutes: 60,
    });
    expect(await settings()).toEqual(after);
    expect((await json(await patch(JSON.stringify({ office_phone: null })))).office_phone).toBeNull();
  });

  it('refuses a bad value with 400 naming the field, and writes nothing', async () => {
    const before = await settings();
    const bad = [
      [{ contact_hours_start: '8am' }, 'contact_hours_start', 'contact_hours_start: must be a time of day HH:MM such as 08:00'],
      [{ contact_hours_end: '24:00' }, 'contact_hours_end', 'contact_hours_end: must be a time of day HH:MM such as 08:00'],
      [{ slot_minutes: 60, office_opens: '9:00' }, 'office_opens', 'office_opens: must be a time of day HH:MM such as 08:00'],
      [{ slot_minutes: 0 }, 'slot_minutes', 'slot_minutes: must be a whole number of minutes from 5 to 480'],
      [{ office_days: [] }, 'office_days', 'office_days: must be a list of 1 to 7 ISO weekdays, 1 (Monday) to 7 (Sunday)'],
      [{ office_days: [1, 8] }, 'office_days.1', 'office_days.1: must be a list of 1 to 7 ISO weekdays, 1 (Monday) to 7 (Sunday)'],
      [{ office_phone: '555-0100' }, 'office_phone', 'office_phone: must be an E.164 number such as +13125550142, or null'],
      [{ default_language: 'klingon' }, 'default_language', 'default_language: must be a language tag such as en, es or pt-BR'],
      [{ cancel_is_opt_out: 'no' }, 'cancel_is_opt_out', 'cancel_is_opt_out: must be true or false'],
      [{ call_retry_minutes: 2 }, 'call_retry_minutes', 'call_retry_minutes: must be a whole number of minutes from 5 to 1440'],
      [
        { reminder_rules: [{ kind: 'before', minutes: -5 }] },
        'reminder_rules.0.minutes',
        expect.stringContaining('reminder_rules.0.minutes: must be a whole number'),
      ],
      [{ reminder_rules: [{ kind: 'after', minutes: 5 }] }, 'reminder_rules.0.kind', expect.stringContaining('reminder_rules.0.kind:')],
      [{ rooms_open: 3 }, 'rooms_open', 'rooms_open: is not a setting that can be changed here'],
      [{ name: 'Elsewhere' }, 'name', 'name: is not a setting that can be changed here'],
      // Checked together with the stored values (contact hours 08:00-20:00 here; office hours 09:00-17:00).
      [{ contact_hours_start: '21:00' }, 'contact_hours_start', 'contact_hours_start: must be before contact_hours_end (20:00)'],
      [{ contact_hours_start: '07:00', contact_hours_end: '07:00' }, 'contact_hours_end', 'contact_hours_end: must be after contact_hours_start (07:00)'],
      [{ slot_minutes: 30, office_closes: '08:00' }, 'office_closes', 'office_closes: must be after office_opens (09:00)'],
    ] as const;
    await patch(JSON.stringify({ contact_hours_start: '08:00' }));
    const reference = await settings();
    for (const [body, field, message] of bad) {
      const response = await patch(JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await json(response), JSON.stringify(body)).toEqual({ error: { code: 'bad_request', field, message } });
    }
    expect(await settings()).toEqual(reference);
    expect(reference).toEqual({ ...before, contact_hours_start: '08:00' });
  });

  it('answers 404 for an unknown clinic', async () => {
    const response = await stack.app.request('/api/clinic?clinic=no-such-clinic', { headers: { Authorization: `Bearer ${stack.adminApiToken}` } });
    expect(response.status).toBe(404);
  });
});

describe('message templates', () => {
  it('lists every kind in English and Spanish, shipped defaults with their segments', async () => {
    const list = await templates();
    expect(list).toHaveLength(2 * MESSAGE_KINDS.length);
    const reminder = list.find((t) => t.kind === 'reminder' && t.language === 'es');
    expect(reminder).toMatchObject({ body_language: 'es', source: 'default', updated_at: null, segments: 1, encoding: 'GSM-7' });
    expect(reminder!.sample_text).toMatch(/^Test Clinic: Maria Gonzalez, cita con Dr Ramirez el mar, 10 de nov, 10:30 a\.m\. Responda SI/);
  });

  it('saves a clinic wording and says how many segments it takes', async () => {
    const body = '{clinic_name}: {patient_name}, te esperamos el {date} a las {time}. Responde SI, NO o CAMBIAR. ¿Dudas? Llama al {office_phone}.';
    const response = await putTemplate('reminder/es', { body });
    expect(response.status).toBe(200);
    const saved = await json(response);
    expect(saved).toMatchObject({ kind: 'reminder', language: 'es', body_language: 'es', source: 'clinic', body, segments: 1, encoding: 'GSM-7' });
    expect(Date.parse(saved.updated_at)).not.toBeNaN();
    expect((await templates()).find((t) => t.kind === 'reminder' && t.language === 'es')).toMatchObject({ source: 'clinic', body });

    // One accented í makes the whole text UCS-2: 70 characters a segment.
    const accented = await json(
      await putTemplate('confirmed/es', {
        body: '{clinic_name}: gracias, {patient_name}. Su cita del {date} a las {time} está confirmada. Aquí le esperamos.',
      }),
    );
    expect(accented).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('refuses an unknown placeholder with 400 naming it, and a stray brace, and saves nothing', async () => {
    const response = await putTemplate('cancelled/en', { body: 'Hi {patient_name}, {foo} and {bar}' });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: 'bad_request', field: 'body', message: 'body: unknown placeholders {foo}, {bar}' } });
    const one = await json(await putTemplate('cancelled/en', { body: 'Hi {foo}' }));
    expect(one.error.message).toBe('body: unknown placeholder {foo}');
    expect((await json(await putTemplate('reminder/en', { body: 'Pick one: {slots}' }))).error.message).toBe('body: unknown placeholder {slots}');
    expect((await json(await putTemplate('reschedule_options/en', { body: 'Reply with a number' }))).error).toMatchObject({
      field: 'body',
      message: 'body: must contain {slots} (the numbered list of open times)',
    });
    for (const body of ['{clinic_name}: see you {date} at {time}, {patient_name', '{clinic_name}: see you {date} at time}']) {
      expect((await json(await putTemplate('cancelled/en', { body }))).error, body).toEqual({
        code: 'bad_request',
        field: 'body',
        message: 'body: has a { or } that is not part of a placeholder such as {patient_name}',
      });
    }
    expect((await templates()).find((t) => t.kind === 'cancelled' && t.language === 'en')).toMatchObject({ source: 'default' });
  });

  it('refuses {specialty} in every kind (no message carries health information), and {doctor_name} in a voicemail', async () => {
    for (const path of ['followup_reminder/en', 'reminder/es', 'call_reminder/en']) {
      const response = await putTemplate(path, { body: '{clinic_name}: your {specialty} visit on {date}' });
      expect(response.status, path).toBe(400);
      expect((await json(response)).error).toMatchObject({ field: 'body', message: expect.stringContaining('{specialty} may not be used') });
    }
    expect((await json(await putTemplate('call_voicemail/en', { body: '{clinic_name}: {doctor_name} on {date}' }))).error.message).toContain(
      'anyone may hear a voicemail',
    );
  });

  it('names a bad kind, language or body', async () => {
    const cases = [
      ['appointment/en', { body: 'x' }, 'kind'],
      ['reminder/xx', { body: 'x' }, 'language'],
      ['reminder/en', { body: '' }, 'body'],
      ['reminder/en', { body: 'x'.repeat(1601) }, 'body'],
      ['reminder/en', {}, 'body'],
    ] as const;
    for (const [path, body, field] of cases) {
      const response = await putTemplate(path, body);
      expect(response.status, path).toBe(400);
      expect((await json(response)).error.field, path).toBe(field);
    }
  });

  it('takes a new language one kind at a time; the other kinds fall back to the clinic default language', async () => {
    const saved = await json(await putTemplate('booking_confirmation/fr', { body: '{clinic_name} : rendez-vous le {date} à {time} avec {doctor_name}.' }));
    expect(saved.sample_text).toBe('Test Clinic : rendez-vous le mar. 10 nov. à 10:30 avec Dr Ramirez.');
    const french = (await templates()).filter((t) => t.language === 'fr');
    expect(french).toHaveLength(MESSAGE_KINDS.length);
    expect(french.find((t) => t.kind === 'booking_confirmation')).toMatchObject({ body_language: 'fr', source: 'clinic' });
    expect(french.find((t) => t.kind === 'reminder')).toMatchObject({ body_language: 'en', source: 'default' });
  });
});

describe('rendering a message for a patient', () => {
  it("uses the patient's language, then its base language, then the clinic default, then English, with dates in the clinic's zone", async () => {
    // The test clinic's zone follows the hour of the run (mid-morning there now): fix one, so the
    // slot below is on the 12th wherever the run happens.
    const clinic = { ...(await getClinicBySlug(stack.sql, stack.clinic.slug)), timezone: 'Europe/Madrid' };
    const values = {
      patientName: 'Ana Ruiz',
      doctorName: 'Dr Mehta',
      startsAt: new Date('2026-11-12T15:30:00Z'),
      followUpDate: '2026-11-26',
    };
    // es-MX falls to es, where the clinic saved its own accented wording above.
    const spanish = await renderMessage(stack.sql, { clinic, kind: 'confirmed', language: 'es-MX', values });
    expect(spanish).toMatchObject({ language: 'es', encoding: 'UCS-2', segments: 2 });
    expect(spanish.text).toMatch(/^Test Clinic: gracias, Ana Ruiz\. Su cita del \S+ 12 de nov a las \d{1,2}:30 [ap]\.m\. está confirmada\./);
    // German ships nothing and the clinic wrote nothing in it: English, with the SMS number standing in for the office phone.
    const english = await renderMessage(stack.sql, { clinic, kind: 'followup_reminder', language: 'de', values });
    expect(english).toEqual({
      language: 'en',
      encoding: 'GSM-7',
      segments: 1,
      text: `Test Clinic: Ana Ruiz, your follow-up visit with Dr Mehta is due Thu, Nov 26. Call ${formatPhoneForPeople(clinic.smsNumber!)} to book a time.`,
    });
    const inChicago = await renderMessage(stack.sql, { clinic: { ...clinic, timezone: 'America/Chicago' }, kind: 'rescheduled', language: 'en', values });
    expect(inChicago.text).toContain('is now Thu, Nov 12 at 9:30 AM.');
  });

  it("writes the time as the clinic's country does: 2:30 PM in the US, 14:30 in the UK and, in Spanish, in Spain", async () => {
    // Shipped wordings: the clinic saved its own Spanish reminder above.
    const clinic = { ...(await getClinicBySlug(stack.sql, stack.clinic.slug)), timezone: 'America/Chicago' };
    const values = { patientName: 'Ana Ruiz', doctorName: 'Dr Mehta', startsAt: new Date('2026-11-10T20:30:00Z') }; // Tuesday 14:30 in Chicago
    const render = (defaultCountry: 'US' | 'GB' | 'ES', language: string, kind: 'reminder' | 'rescheduled') =>
      renderMessage(stack.sql, { clinic: { ...clinic, defaultCountry }, kind, language, values });
    const reminder = (defaultCountry: 'US' | 'GB' | 'ES', language: string) => render(defaultCountry, language, 'reminder');
    const us = await reminder('US', 'en');
    expect(us.text).toContain('your visit with Dr Mehta is Tue, Nov 10 at 2:30 PM. Reply YES');
    expect((await reminder('GB', 'en')).text).toContain('your visit with Dr Mehta is Tue 10 Nov at 14:30. Reply YES');
    const spain = await render('ES', 'es', 'rescheduled');
    expect(spain.text).toBe('Test Clinic: Ana Ruiz, su cita con Dr Mehta pasa al mar, 10 nov, 14:30.');
    for (const rendered of [us, spain]) expect(rendered).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});
