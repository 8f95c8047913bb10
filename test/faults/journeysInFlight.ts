/**
 * Patients' journeys left in flight when a process dies, for the fault tests: each is started on a
 * stack before the fault and checked afterwards by what its patient sees (the message log, the
 * console telephone's calls, the ticket's or appointment's state). Their timers fall due within a few
 * minutes: the clinic's line closes 2½–3½ minutes after `startJourneys`, a called patient's "still
 * calling" reminder comes a minute after the call, an appointment's reminder 90 s after booking, a
 * waitlist offer's hold ends a minute after its text. A new kind of journey is one more entry in `JOURNEYS`.
 */
import { DateTime } from 'luxon';
import { pino, type Logger } from 'pino';
import { expect, vi } from 'vitest';
import { kindOfMessageKey } from '../../src/workflows/appointmentDefinitions.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, type Stack } from '../support/stack.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

/** A journey under way: `settled` checks, once the fault is over and its timers have fallen due, that it went as it would have without the fault. */
export interface JourneyInFlight {
  name: string;
  /** When its next timer falls due (epoch ms), for a journey asleep on one. */
  dueAt?: number;
  /** Whatever the journey needs after the fault starts (e.g. a key pressed on the call); runs once the stack has recovered. */
  resume?(): Promise<void>;
  /** Throws (an expect failure) until the journey has ended as it should; poll it. */
  settled(): Promise<void>;
}

/** One kind of journey: sets it up on `stack` until the fault may strike. */
type JourneyStarter = (stack: Stack) => Promise<JourneyInFlight>;

interface LoggedText {
  key: string;
  body: string;
  sid: string | null;
}

/** The outbound texts to `phone` in the message log, oldest first. */
export async function textsTo(stack: Stack, phone: string): Promise<LoggedText[]> {
  const rows = await stack.sql<{ idempotency_key: string; body: string; provider_sid: string | null }[]>`
    select idempotency_key, body, provider_sid from messages
    where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'outbound' order by id`;
  return rows.map((r) => ({ key: r.idempotency_key, body: r.body, sid: r.provider_sid }));
}

/** What each text to `phone` was for: the last part of its idempotency key (`called`, `reminder`, …), `reply`, or an offer's kind (`offer`, `offer_taken`, …). */
async function purposesOf(stack: Stack, phone: string): Promise<string[]> {
  return (await textsTo(stack, phone)).map((t) =>
    t.key.startsWith('reply:')
      ? 'reply'
      : t.key.startsWith('call:')
        ? 'call reply'
        : t.key.startsWith('offer:')
          ? (t.key.split(':')[2] ?? 'offer')
          : (kindOfMessageKey(t.key) ?? t.key.slice(t.key.lastIndexOf(':') + 1)),
  );
}

async function join(stack: Stack, phone: string): Promise<string> {
  const reply = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
  return /ticket is ([A-Z]\d+)/.exec(reply)![1]!;
}

async function ticketState(stack: Stack, code: string): Promise<string> {
  const [row] = await stack.sql<{ state: string }[]>`select state from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
  return row!.state;
}

async function book(stack: Stack, phone: string, channel: 'sms' | 'voice', startsAt: Date): Promise<string> {
  const booked = await bookThroughApi(stack, {
    startsAt: startsAt.toISOString(),
    phone,
    channel,
    patientName: 'Ana Lopez',
    provider: 'Dr Ramirez',
    service: 'Checkup',
  });
  return booked.id;
}

const appointmentStatus = async (stack: Stack, id: string): Promise<string> =>
  ((await json(await stack.api(`/api/appointments/${id}`))) as { status: string }).status;

/** A patient waiting in line: the day-end close expires the ticket and tells them so, once. */
const waitingTicket: JourneyStarter = async (stack) => {
  const phone = patientPhone();
  const code = await join(stack, phone);
  return {
    name: 'a ticket waiting in line',
    settled: async () => {
      expect(await ticketState(stack, code)).toBe('expired');
      expect(await purposesOf(stack, phone)).toEqual(['reply', 'closed_for_day']);
    },
  };
};

/** A patient called to the desk who does not come: "you're next", one "still calling" a minute on, then the day-end close. */
const calledTicket: JourneyStarter = async (stack) => {
  const phone = patientPhone();
  const code = await join(stack, phone);
  expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
  return {
    name: 'a ticket called to the desk',
    dueAt: Date.now() + 60_000,
    settled: async () => {
      expect(await ticketState(stack, code)).toBe('expired');
      expect(await purposesOf(stack, phone)).toEqual(['reply', 'called', 'still_calling', 'closed_for_day']);
    },
  };
};

/** An appointment chain asleep until its reminder (1 hour before, due 90 s after booking). */
const appointmentReminder: JourneyStarter = async (stack) => {
  const phone = patientPhone();
  const startsAt = Date.now() + 61.5 * 60_000;
  const id = await book(stack, phone, 'sms', new Date(startsAt));
  await vi.waitFor(async () => expect(await purposesOf(stack, phone)).toEqual(['booking_confirmation']), { timeout: 30_000 });
  return {
    name: 'an appointment chain sleeping towards its reminder',
    dueAt: startsAt - 60 * 60_000,
    settled: async () => {
      expect(await purposesOf(stack, phone)).toEqual(['booking_confirmation', 'reminder']);
      expect(await appointmentStatus(stack, id)).toBe('booked');
    },
  };
};

/**
 * How long a second of a console call lasts on the fault tests' stacks (ms): the patient on the call
 * takes their time, so its keypad waits out the fault (the menu's reading and Gather timeout, about
 * 18 call seconds, last some 18 minutes) instead of timing out as it would in real time.
 */
export const CALL_SECOND_MS = 60_000;

/** A reminder call answered by the patient and waiting on the keypad; after the fault the patient presses 1 (confirm). */
const callInProgress: JourneyStarter = async (stack) => {
  const phone = patientPhone();
  const id = await book(stack, phone, 'voice', new Date(Date.now() + 3 * 86_400_000));
  await vi.waitFor(async () => expect(await purposesOf(stack, phone)).toEqual(['booking_confirmation']), { timeout: 30_000 });
  expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
  const callSid = await vi.waitFor(
    async () => {
      const [call] = await stack.sql<{ call_sid: string | null; console_gather_url: string | null }[]>`
        select call_sid, console_gather_url from calls where appointment_id = ${id}`;
      if (call?.call_sid == null || call.console_gather_url === null) throw new Error('the call is not waiting on the keypad yet');
      return call.call_sid;
    },
    { timeout: 30_000, interval: 100 },
  );
  return {
    name: 'a reminder call in progress',
    resume: async () => {
      const path = `/webhooks/console/calls/${callSid}/digits`;
      const pressed = await stack.sendWebhook(path, { Digits: '1' });
      expect(pressed.status).toBe(200);
      expect(await pressed.text()).toContain('confirmed');
    },
    settled: async () => {
      expect(await appointmentStatus(stack, id)).toBe('confirmed');
      const calls = await stack.sql<
        { call_sid: string; status: string; choice: string }[]
      >`select call_sid, status, choice from calls where appointment_id = ${id}`;
      expect(calls).toEqual([{ call_sid: callSid, status: 'completed', choice: 'confirm' }]);
      expect(await purposesOf(stack, phone)).toEqual(['booking_confirmation', 'call reply']);
    },
  };
};

/**
 * A cancelled slot offered to the top of two waitlisted patients, held 1 minute (one at a time): the
 * hold runs out across the fault, the offer goes to the second patient, whose hold runs out too, and
 * the cancellation ends `expired`, each patient texted once.
 */
const offerHold: JourneyStarter = async (stack) => {
  const settings = await stack.api('/api/clinic', {
    method: 'PATCH',
    body: JSON.stringify({ offer_hold_minutes: 1, offer_batch_size: 1, contact_hours_start: '00:00', contact_hours_end: '23:59' }),
  });
  expect(settings.status).toBe(200);
  const providerId = await addProvider(stack, 'Dr Okafor');
  const first = await waitlistPatient(stack, providerId, { urgent: true });
  const second = await waitlistPatient(stack, providerId, { urgent: false });
  const { id } = await logCancellation(stack, providerId);
  await vi.waitFor(async () => expect(await purposesOf(stack, first)).toEqual(['offer']), { timeout: 30_000 });
  return {
    name: "a waitlist offer's hold",
    dueAt: Date.now() + 60_000,
    settled: async () => {
      const cancellation = (await json(await stack.api(`/api/cancellations/${id}`))) as { status: string; offers: { state: string }[] };
      expect(cancellation.status).toBe('expired');
      expect(cancellation.offers.map((o) => o.state)).toEqual(['expired', 'expired']);
      expect([await purposesOf(stack, first), await purposesOf(stack, second)]).toEqual([['offer'], ['offer']]);
    },
  };
};

/** Every kind of journey a fault test leaves in flight. */
const JOURNEYS: JourneyStarter[] = [waitingTicket, calledTicket, appointmentReminder, callInProgress, offerHold];

/**
 * Sets the clinic's line to close 2½–3½ minutes from now (on a minute, as closing times are) with a
 * one-minute "still calling" reminder, then starts every journey in `JOURNEYS`.
 * @returns the journeys and when the last of their timers falls due (epoch ms).
 */
export async function startJourneys(stack: Stack): Promise<{ journeys: JourneyInFlight[]; lastDueAt: number }> {
  const closesAt = DateTime.now().setZone(stack.clinic.timezone).plus({ seconds: 150 }).startOf('minute').plus({ minutes: 1 });
  const settings = await stack.api('/api/clinic', {
    method: 'PATCH',
    body: JSON.stringify({ closing_time: closesAt.toFormat('HH:mm'), next_reminder_minutes: 1 }),
  });
  expect(settings.status).toBe(200);
  const journeys: JourneyInFlight[] = [];
  for (const start of JOURNEYS) journeys.push(await start(stack));
  return { journeys, lastDueAt: closesAt.toMillis() };
}

/**
 * Resumes every journey, then waits until each has settled (up to 3 minutes past the last timer's
 * due time: a worker that came back has work queued), naming the journey that did not.
 */
export async function expectJourneysSettled(journeys: JourneyInFlight[], lastDueAt: number): Promise<void> {
  for (const journey of journeys) await journey.resume?.();
  for (const journey of journeys) {
    await vi.waitFor(
      async () => {
        try {
          await journey.settled();
        } catch (error) {
          throw new Error(`${journey.name}: ${(error as Error).message}`, { cause: error });
        }
      },
      { timeout: Math.max(0, lastDueAt - Date.now()) + 180_000, interval: 1_000 },
    );
  }
}

/** The MessageSids and CallSids the console provider gave out, read from its log lines (pino JSON) in `output`. */
function consoleSidsIn(output: string): { messages: string[]; calls: string[] } {
  const messages: string[] = [];
  const calls: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; messageSid?: string; callSid?: string };
    if (entry.msg === 'outbound message sent (console provider)') messages.push(entry.messageSid!);
    if (entry.msg === 'outbound call placed (console provider)') calls.push(entry.callSid!);
  }
  return { messages, calls };
}

/**
 * Nothing went out twice: every text and call the console provider sent (its log lines in
 * `providerOutput`, of every process that sent for `stack`) is one row of the clinic's message or
 * call log, under the SID the provider gave it, and every row with a SID was sent once.
 */
export async function expectEachSendOnce(stack: Stack, providerOutput: string): Promise<void> {
  const sent = consoleSidsIn(providerOutput);
  const texts = await stack.sql<{ provider_sid: string }[]>`
    select provider_sid from messages where clinic_id = ${stack.clinic.id} and direction = 'outbound' and provider_sid is not null`;
  const calls = await stack.sql<{ call_sid: string }[]>`select call_sid from calls where clinic_id = ${stack.clinic.id} and call_sid is not null`;
  expect(sent.messages.sort()).toEqual(texts.map((t) => t.provider_sid).sort());
  expect(sent.calls.sort()).toEqual(calls.map((c) => c.call_sid).sort());
}

/** A logger at `info` that keeps its lines (pino JSON), for `expectEachSendOnce` to read. */
export function keptLog(): { log: Logger; output(): string } {
  let text = '';
  return { log: pino({ level: 'info' }, { write: (line: string) => void (text += line) }), output: () => text };
}
