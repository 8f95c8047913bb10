/**
 * Staff keep a clinic's providers through the JSON API: added with their type, listed, renamed,
 * deactivated; a name is unique in the clinic whatever its case, and a provider first named by an
 * appointment booking has an unknown type (null).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAppointment } from '../../src/appointments/bookAppointment.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const DAY_MS = 86_400_000;
const send = (method: string, path: string, body?: unknown) => stack.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const addProvider = async (name: string, type: string) => {
  const response = await send('POST', '/api/providers', { name, type });
  expect(response.status).toBe(201);
  return (await json(response)) as { id: number; name: string; type: string | null; active: boolean };
};

describe('providers', () => {
  it('are added with a type, listed by name, changed, and a name is unique whatever its case', async () => {
    const shah = await addProvider('Dr Shah', 'MD/DO');
    expect(shah).toEqual({ id: expect.any(Number), name: 'Dr Shah', type: 'MD/DO', active: true });
    const lee = await addProvider('Pat Lee, PA', 'APP');

    const duplicate = await send('POST', '/api/providers', { name: 'dr SHAH', type: 'APP' });
    expect(duplicate.status).toBe(409);
    // The provider named as stored, not as typed.
    expect((await json(duplicate)).error).toEqual({
      code: 'conflict',
      field: 'name',
      message: `name: the clinic already has a provider named "Dr Shah" (provider ${shah.id})`,
    });

    const changed = await send('PATCH', `/api/providers/${lee.id}`, { name: 'Pat Lee', active: false });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual({ id: lee.id, name: 'Pat Lee', type: 'APP', active: false });
    const clash = await send('PATCH', `/api/providers/${lee.id}`, { name: 'DR SHAH' });
    expect(clash.status).toBe(409);
    expect((await json(clash)).error).toEqual({
      code: 'conflict',
      field: 'name',
      message: `name: the clinic already has a provider named "Dr Shah" (provider ${shah.id})`,
    });

    const listed = (await json(await send('GET', '/api/providers'))).providers;
    expect(listed).toEqual(expect.arrayContaining([shah, { id: lee.id, name: 'Pat Lee', type: 'APP', active: false }]));
  });

  it('named first by an appointment booking have an unknown type, shown as null', async () => {
    await bookAppointment(stack, stack.clinic, {
      patientName: 'Ana Ruiz',
      phone: patientPhone(),
      startsAt: new Date(Date.now() + 3 * DAY_MS),
      durationMinutes: 30,
      provider: { name: 'Dr Okafor' },
      service: 'Ortho',
      channel: 'sms',
    });
    const listed = (await json(await send('GET', '/api/providers'))).providers;
    expect(listed.find((p: { name: string }) => p.name === 'Dr Okafor')).toMatchObject({ type: null, active: true });
  });

  it.each([
    ['name', { name: '', type: 'MD/DO' }],
    ['name', { name: 'x'.repeat(101), type: 'MD/DO' }],
    ['type', { name: 'Dr New' }],
    ['type', { name: 'Dr New', type: 'nurse' }],
    ['specialty', { name: 'Dr New', type: 'APP', specialty: 'ortho' }],
  ])('refuses a bad %s with 400 naming it', async (field, body) => {
    const response = await send('POST', '/api/providers', body);
    expect(response.status).toBe(400);
    expect((await json(response)).error.field).toBe(field);
  });

  it('answers 404 for an unknown provider and 400 for a malformed id or type', async () => {
    const unknown = await send('PATCH', '/api/providers/99999999', { active: false });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.field).toBe('id');
    expect((await json(await send('PATCH', '/api/providers/abc', { active: false }))).error.field).toBe('id');
    const shah = (await json(await send('GET', '/api/providers'))).providers[0];
    expect((await json(await send('PATCH', `/api/providers/${shah.id}`, { type: null }))).error.field).toBe('type');
  });
});
