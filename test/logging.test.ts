/**
 * Logs without patient data: a JOIN, staff moves to done and an opt-out through the real stack, with
 * the production logger writing to memory. No full phone number and no message text may appear at
 * `info` or above; the console provider still shows developers the text at `debug`.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logger.js';
import { temporalLoggerFor } from '../src/temporal/pinoLogger.js';
import { patientPhone, startStack, twimlText, type Stack } from './support/stack.js';

const lines: { level: number; text: string }[] = [];
const memory = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push({ level: (JSON.parse(line) as { level: number }).level, text: line });
    done();
  },
});
const log = createLogger('test', 'debug', memory);
const INFO = 30;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ log });
});
afterAll(() => stack.stop());

const move = (code: string, state: string) => stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });

describe('the log of a JOIN-to-done run and an opt-out', () => {
  it('holds no full phone number and no message text at info or above', async () => {
    const phone = patientPhone();
    const reply = await twimlText(await stack.sendSms(phone, 'JOIN knee pain since friday'));
    const code = /ticket is ([A-Z]\d+)/.exec(reply)![1]!;
    for (const state of ['next', 'in_room', 'done']) expect((await move(code, state)).status).toBe(200);
    // The "you're next" text goes out after the move: wait until the console provider has logged it.
    await vi.waitFor(() => expect(lines.some((l) => l.text.includes('outbound message sent'))).toBe(true), { timeout: 10_000 });
    const quitter = patientPhone();
    await stack.sendSms(quitter, 'JOIN');
    // Twilio does not act on "STOP please" (its keyword alone only), so we confirm the opt-out.
    expect(await twimlText(await stack.sendSms(quitter, 'STOP please'))).toContain("you won't get any more texts");

    const loud = lines.filter((l) => l.level >= INFO).map((l) => l.text);
    expect(loud.length).toBeGreaterThan(0);
    for (const number of [phone, quitter, stack.clinicNumber]) {
      expect(loud.filter((l) => l.includes(number))).toEqual([]);
      expect(loud.filter((l) => l.includes(number.slice(1)))).toEqual([]);
    }
    expect(loud.filter((l) => /knee pain|you're next|your ticket is|any more texts/.test(l))).toEqual([]);
    // Developers still see what was sent, masked, and its text at debug.
    expect(loud.some((l) => l.includes(`+•••${phone.slice(-4)}`))).toBe(true);
    expect(lines.some((l) => l.level < INFO && l.text.includes("you're next"))).toBe(true);
  });

  it("masks numbers in the Temporal SDK's log lines and errors too", () => {
    const sdk = temporalLoggerFor(log);
    const number = patientPhone();
    sdk.warn('Activity failed', { error: new Error(`The 'To' number ${number} is not a valid phone number.`), to: `whatsapp:${number}`, body: 'see you soon' });
    const last = lines.at(-1)!.text;
    expect(last).not.toContain(number);
    expect(last).toContain(`+•••${number.slice(-4)}`);
    expect(last).not.toContain('see you soon');
  });
});
