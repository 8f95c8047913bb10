/**
 * Staff press again after a 503: Temporal did not confirm the change within 5 s because the worker
 * was too busy to answer, and the worker runs it afterwards. With the same idempotency key (the JSON
 * API's `Idempotency-Key` header, the Appointments page's hidden field, kept for the retry) the
 * patient is reminded once. The busy worker is a worker process stopped with SIGSTOP while the
 * change is in its hands, then continued with SIGCONT.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { json, startStack, type Stack } from '../support/stack.js';
import { postForm, staffCookie } from '../support/staffForms.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { killWorkerProcesses, startWorkerProcess, type WorkerProcess } from '../support/workerProcess.js';

let stack: Stack;
let worker: WorkerProcess;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  worker = await startWorkerProcess(stack, Number(new URL(await stack.listen()).port));
}, 120_000);
afterAll(async () => {
  await killWorkerProcesses();
  await stack?.stop();
});

/** Runs `send` while the worker process is stopped (it holds its polls, answers nothing), then lets it go on. */
async function whileWorkerStalls<T>(send: () => Promise<T>): Promise<T> {
  process.kill(worker.pid, 'SIGSTOP');
  try {
    return await send();
  } finally {
    process.kill(worker.pid, 'SIGCONT');
  }
}

/** Books through the JSON API two days out and waits until the chain has sent its booking text. */
async function book(): Promise<{ id: string; day: string }> {
  const { id, day } = await bookThroughApi(stack, { days: 2, patientName: 'Ana Lopez' });
  await vi.waitFor(async () => expect((await deliveryKinds(id)).length).toBeGreaterThan(0), { timeout: 15_000 });
  return { id, day };
}

const deliveryKinds = async (id: string) =>
  ((await json(await stack.api(`/api/appointments/${id}`))) as { deliveries: { kind: string }[] }).deliveries.map((d) => d.kind);
const remindersOf = async (id: string) => (await deliveryKinds(id)).filter((kind) => kind === 'reminder').length;
const remind = (id: string, headers: Record<string, string> = {}) => stack.api(`/api/appointments/${id}/remind`, { method: 'POST', headers });

describe('the JSON API with an Idempotency-Key', () => {
  it('sends the reminder once when the same key comes again after a 503, and again for a new key', async () => {
    const { id } = await book();
    const key = randomUUID();
    const first = await whileWorkerStalls(() => remind(id, { 'Idempotency-Key': key }));
    expect(first.status).toBe(503);
    expect((await json(first)).error.code).toBe('unavailable');
    // The stalled worker goes on with the change it held: the reminder goes.
    await vi.waitFor(async () => expect(await remindersOf(id)).toBe(1), { timeout: 15_000 });
    const again = await remind(id, { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('booked');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await remindersOf(id)).toBe(1);

    // What a repeat without the key would have done: a second reminder.
    expect((await remind(id, { 'Idempotency-Key': randomUUID() })).status).toBe(200);
    await vi.waitFor(async () => expect(await remindersOf(id)).toBe(2), { timeout: 15_000 });
  });

  it('answers a malformed key with a 400 naming the header, and changes nothing', async () => {
    const { id } = await book();
    const response = await remind(id, { 'Idempotency-Key': 'not a key!' });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({ code: 'bad_request', field: 'idempotency-key' });
    expect(await remindersOf(id)).toBe(0);
  });
});

describe('the Appointments page after a 503', () => {
  it('keeps the form key for the retry, so pressing "Remind now" again reminds once', async () => {
    const { id, day } = await book();
    const cookie = await staffCookie(stack);
    const page = async (path: string) => (await stack.app.request(path, { headers: { Cookie: cookie } })).text();
    const pagePath = `/admin/appointments?${new URLSearchParams({ clinic: stack.clinic.slug, date: day }).toString()}`;
    const keyOf = (html: string) =>
      new RegExp(`data-appointment="${id}"[\\s\\S]*?action="[^"]*/${id}/remind[^"]*"><input type="hidden" name="idempotency_key" value="([^"]+)"`).exec(
        html,
      )?.[1];
    const key = keyOf(await page(pagePath));
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const actionPath = `/admin/appointments/${id}/remind?${new URLSearchParams({ clinic: stack.clinic.slug, date: day }).toString()}`;

    const first = await whileWorkerStalls(() => postForm(stack, actionPath, cookie, { idempotency_key: key! }));
    expect(first.status).toBe(303);
    const back = first.headers.get('location')!;
    expect(new URL(back, 'http://localhost').searchParams.get('error')).toMatch(/taking too long/);
    await vi.waitFor(async () => expect(await remindersOf(id)).toBe(1), { timeout: 15_000 });
    // The page the 503 led back to offers the same key; a fresh page a new one.
    expect(keyOf(await page(back))).toBe(key);
    expect(keyOf(await page(pagePath))).not.toBe(key);

    const again = await postForm(stack, actionPath, cookie, { idempotency_key: key! });
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get('location')!, 'http://localhost').searchParams.get('notice')).toMatch(/^Reminder asked for/);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await remindersOf(id)).toBe(1);
  });
});
