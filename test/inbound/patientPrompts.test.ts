/**
 * Open prompts in Postgres: what a patient may answer now. One open prompt per workflow (asking again
 * replaces it, an activity retry changes nothing), expired and closed ones are not offered, the most
 * recently asked comes first.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql, type Sql } from '../../src/db/sql.js';
import { normaliseAnswer } from '../../src/domain/promptAnswers.js';
import { closePrompt, findOpenPrompts, openPrompt, type PromptToOpen } from '../../src/inbound/patientPrompts.js';
import { createTestClinic } from '../support/clinic.js';
import { patientPhone } from '../support/stack.js';

let sql: Sql;
let clinicId: number;
beforeAll(async () => {
  sql = createSql(inject('databaseUrl'));
  clinicId = (await createTestClinic(sql)).clinic.id;
});
afterAll(() => sql.end());

const inAnHour = () => new Date(Date.now() + 3_600_000);
const prompt = (phone: string, workflowId: string, over: Partial<PromptToOpen> = {}): PromptToOpen => ({
  clinicId,
  phone,
  workflowId,
  updateName: 'answer',
  kind: 'appointment_reminder',
  answers: ['YES', 'NO', 'CHANGE'],
  expiresAt: inAnHour(),
  ...over,
});

describe('answers are compared in a normal form', () => {
  it.each([
    ['yes', 'YES'],
    ['  Yes!! ', 'YES'],
    ['Sí', 'SI'],
    ['2.', '2'],
    ['Change   please', 'CHANGE PLEASE'],
  ])('%j reads as %j', (text, normal) => expect(normaliseAnswer(text)).toBe(normal));
});

describe('open prompts', () => {
  it('lists what the patient may answer now, most recently asked first', async () => {
    const phone = patientPhone();
    await openPrompt(sql, prompt(phone, 'wf-a', { answers: ['yes', 'No'] }));
    await openPrompt(sql, prompt(phone, 'wf-b', { kind: 'reschedule_slots', answers: ['1', '2', '3'] }));
    const open = await findOpenPrompts(sql, clinicId, phone);
    expect(open.map((p) => [p.workflowId, p.kind, p.answers])).toEqual([
      ['wf-b', 'reschedule_slots', ['1', '2', '3']],
      ['wf-a', 'appointment_reminder', ['YES', 'NO']],
    ]);
    expect(await findOpenPrompts(sql, clinicId, patientPhone())).toEqual([]);
  });

  it('keeps one open prompt per workflow: asking again replaces it, a retry of the same question changes nothing', async () => {
    const phone = patientPhone();
    const expiresAt = inAnHour();
    await openPrompt(sql, prompt(phone, 'wf-c', { expiresAt }));
    const [first] = await findOpenPrompts(sql, clinicId, phone);
    await openPrompt(sql, prompt(phone, 'wf-c', { expiresAt }));
    expect(await findOpenPrompts(sql, clinicId, phone)).toEqual([first]);

    await openPrompt(sql, prompt(phone, 'wf-c', { kind: 'reschedule_slots', answers: ['1', '2'] }));
    const open = await findOpenPrompts(sql, clinicId, phone);
    expect(open.map((p) => p.kind)).toEqual(['reschedule_slots']);
    const [asked] = await sql<{ n: number }[]>`select count(*)::int as n from patient_prompts where workflow_id = 'wf-c'`;
    expect(asked?.n).toBe(2);
  });

  it('offers neither a closed nor an expired prompt', async () => {
    const phone = patientPhone();
    await openPrompt(sql, prompt(phone, 'wf-d'));
    await closePrompt(sql, 'wf-d');
    await openPrompt(sql, prompt(phone, 'wf-e', { expiresAt: new Date(Date.now() + 1_000) }));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await findOpenPrompts(sql, clinicId, phone)).toEqual([]);
  });

  it('refuses a prompt that is already over, or a phone number that is not E.164', async () => {
    await expect(openPrompt(sql, prompt(patientPhone(), 'wf-f', { expiresAt: new Date(Date.now() - 1_000) }))).rejects.toMatchObject({ code: '23514' });
    await expect(openPrompt(sql, prompt('555-0100', 'wf-g'))).rejects.toMatchObject({ code: '23514' });
  });
});
