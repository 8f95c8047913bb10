/**
 * Staff keep a clinic's approved WhatsApp templates through the JSON API: a Content SID per message
 * kind and language, and the placeholder that fills each numbered variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const SID = `HX${'0123456789abcdef'.repeat(2)}`;
const OTHER_SID = `HX${'F'.repeat(32)}`;
const put = (path: string, body: unknown) => stack.api(`/api/clinic/whatsapp-templates/${path}`, { method: 'PUT', body: JSON.stringify(body) });
const remove = (path: string) => stack.api(`/api/clinic/whatsapp-templates/${path}`, { method: 'DELETE' });
const list = async () => json(await stack.api('/api/clinic/whatsapp-templates'));

describe('WhatsApp templates', () => {
  it('start empty', async () => {
    expect(await list()).toEqual({ clinic: stack.clinic.slug, templates: [] });
  });

  it('are saved per kind and language, listed, replaced and deleted', async () => {
    const variables = { '1': '{patient_name}', '2': '{date}', '3': '{time}' };
    const response = await put('reminder/es', { content_sid: SID, variables });
    expect(response.status).toBe(200);
    const saved = await json(response);
    expect(saved).toEqual({ kind: 'reminder', language: 'es', content_sid: SID, variables, updated_at: expect.any(String) });
    expect(Date.parse(saved.updated_at)).not.toBeNaN();

    await put('reminder/en', { content_sid: OTHER_SID, variables: { '1': '{clinic_name}' } });
    expect((await list()).templates).toEqual([
      { kind: 'reminder', language: 'en', content_sid: OTHER_SID, variables: { '1': '{clinic_name}' }, updated_at: expect.any(String) },
      saved,
    ]);

    // Saving again replaces the template of that kind and language.
    const replaced = await json(await put('reminder/es', { content_sid: OTHER_SID, variables: { '2': '{doctor_name}', '1': '{followup_date}' } }));
    expect(replaced).toMatchObject({ content_sid: OTHER_SID, variables: { '1': '{followup_date}', '2': '{doctor_name}' } });
    expect((await list()).templates).toHaveLength(2);

    const deleted = await remove('reminder/es');
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await list()).templates.map((t: { language: string }) => t.language)).toEqual(['en']);
    const again = await remove('reminder/es');
    expect(again.status).toBe(404);
    expect((await json(again)).error).toEqual({ code: 'not_found', message: 'no WhatsApp template for reminder in es' });
  });

  it('are saved for list_help, the help while choosing from the list of open times, as for every texted kind', async () => {
    const response = await put('list_help/en', { content_sid: SID, variables: { '1': '{clinic_name}', '2': '{office_phone}' } });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ kind: 'list_help', language: 'en', content_sid: SID });
    expect((await remove('list_help/en')).status).toBe(204);
  });

  it('are saved for confirmed_reminder, the reminder of a confirmed visit, as for every texted kind', async () => {
    const response = await put('confirmed_reminder/en', { content_sid: SID, variables: { '1': '{clinic_name}', '2': '{date}', '3': '{time}' } });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ kind: 'confirmed_reminder', language: 'en', content_sid: SID });
    expect((await remove('confirmed_reminder/en')).status).toBe(204);
  });

  it('take {slots} nowhere: outside reschedule_options it is unknown, as in text templates; inside, WhatsApp refuses its line breaks', async () => {
    const outside = await put('reminder/en', { content_sid: SID, variables: { '1': '{slots}' } });
    expect(await json(outside)).toEqual({ error: { code: 'bad_request', field: 'variables.1', message: 'variables.1: unknown placeholder {slots}' } });
    const inside = await put('reschedule_options/en', { content_sid: SID, variables: { '1': '{clinic_name}', '2': '{slots}' } });
    expect(inside.status).toBe(400);
    expect((await json(inside)).error).toMatchObject({
      field: 'variables.2',
      message: expect.stringMatching(/^variables\.2: \{slots\} cannot fill a WhatsApp variable/),
    });
  });

  it("take {question} only for rescheduled, the text a staff move's question follows", async () => {
    const variables = { '1': '{patient_name}', '2': '{date}', '3': '{question}' };
    const saved = await put('rescheduled/en', { content_sid: SID, variables });
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({ kind: 'rescheduled', variables });
    const refused = await put('reminder/en', { content_sid: SID, variables });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error).toMatchObject({
      field: 'variables.3',
      message: 'variables.3: {question} fills only a template of a text that asks its question on a line after it (rescheduled)',
    });
    expect(await remove('rescheduled/en')).toHaveProperty('status', 204);
  });

  it('take no {specialty}: no message carries health information', async () => {
    const response = await put('followup_reminder/en', { content_sid: SID, variables: { '1': '{patient_name}', '2': '{specialty}' } });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({ field: 'variables.2', message: expect.stringContaining('{specialty} may not be used') });
  });

  it('refuse a bad request with 400 naming the field, and save nothing', async () => {
    const before = await list();
    const good = { content_sid: SID, variables: { '1': '{patient_name}' } };
    const cases: [string, unknown, string, string?][] = [
      ['reminder/en', { ...good, variables: { '1': '{patient_name}', '2': '{foo}' } }, 'variables.2', 'variables.2: unknown placeholder {foo}'],
      ['reminder/en', { ...good, variables: { '1': '{ patient_name }' } }, 'variables.1', 'variables.1: unknown placeholder { patient_name }'],
      [
        'reminder/en',
        { ...good, variables: { '1': 'Dear {patient_name}' } },
        'variables.1',
        'variables.1: must be exactly one placeholder in braces, such as {patient_name}',
      ],
      ['reminder/en', { ...good, variables: { '1': 'patient_name' } }, 'variables.1'],
      ['reminder/en', { ...good, variables: { '1': '{date}{time}' } }, 'variables.1'],
      ['reminder/en', { ...good, variables: { '1': 7 } }, 'variables.1', 'variables.1: must be a placeholder in braces, such as {patient_name}'],
      ['reminder/en', { ...good, variables: { '1': '{date}', '3': '{time}' } }, 'variables', 'variables: must number the variables 1 to 2 with no gaps (no 2)'],
      ['reminder/en', { ...good, variables: { '0': '{date}' } }, 'variables.0'],
      ['reminder/en', { ...good, variables: { first: '{date}' } }, 'variables.first'],
      ['reminder/en', { ...good, variables: ['{date}'] }, 'variables'],
      ['reminder/en', { content_sid: SID }, 'variables', 'variables: is required'],
      ['reminder/en', { ...good, content_sid: 'HX123' }, 'content_sid', 'content_sid: must be a Twilio Content SID (HX and 32 hex digits)'],
      ['reminder/en', { ...good, content_sid: `SM${'0'.repeat(32)}` }, 'content_sid'],
      ['reminder/en', { ...good, content_sid: `HX${'g'.repeat(32)}` }, 'content_sid'],
      ['appointment/en', good, 'kind'],
      ['reminder/english', good, 'language'],
      ['reminder/xx', good, 'language'],
    ];
    for (const [path, body, field, message] of cases) {
      const response = await put(path, body);
      const label = `${path} ${JSON.stringify(body)}`;
      expect(response.status, label).toBe(400);
      const { error } = await json(response);
      expect(error.code, label).toBe('bad_request');
      expect(error.field, label).toBe(field);
      if (message !== undefined) expect(error.message, label).toBe(message);
    }
    expect(await list()).toEqual(before);
    expect((await json(await remove('appointment/en'))).error.field).toBe('kind');
  });

  it('answer 401 without the staff token', async () => {
    const path = `/api/clinic/whatsapp-templates/reminder/en?clinic=${stack.clinic.slug}`;
    const body = JSON.stringify({ content_sid: SID, variables: {} });
    for (const [method, url] of [
      ['GET', `/api/clinic/whatsapp-templates?clinic=${stack.clinic.slug}`],
      ['PUT', path],
      ['DELETE', path],
    ] as const) {
      const response = await stack.app.request(url, { method, headers: { 'Content-Type': 'application/json' }, body: method === 'PUT' ? body : undefined });
      expect(response.status, method).toBe(401);
      expect((await json(response)).error.code, method).toBe('unauthorized');
    }
  });
});
