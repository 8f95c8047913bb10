/**
 * Records real ticket workflow, appointment chain and cancellation offer histories for the replay test (`replayHistories.test.ts`). Runs only
 * with `HISTORY_SET=v3 npm run record-histories` (RECORD_HISTORIES set; the set name is required): each scenario runs on the real stack and
 * its history is saved as `test/workflows/histories/<HISTORY_SET>-<scenario>.json`. Record a new set
 * whenever a workflow change adds commands (see the versioning rule in ARCHITECTURE.md); never
 * overwrite a set that running workflows may have.
 */
import { writeFileSync } from 'node:fs';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { temporal as temporalProto } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTicketByCode } from '../../src/queue/readQueue.js';
import { pino } from 'pino';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { handleInboundText } from '../../src/inbound/handleInboundText.js';
import { routeAnswer } from '../../src/inbound/replyRouter.js';
import {
  answerAppointmentPromptUpdate,
  appointmentQuery,
  cancelAppointmentUpdate,
  deliveryReceiptSignal,
  markNoShowUpdate,
  markVisitedUpdate,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type DeliveryReceipt,
} from '../../src/workflows/appointmentDefinitions.js';
import { joinUpdate, ticketQuery, ticketWorkflowId, TICKET_WORKFLOW_TYPE, type TicketWorkflowInput } from '../../src/workflows/definitions.js';
import { appointmentChainSuite, bookTestAppointment, kindsSentTo, nextLocal, sleepUntil } from '../support/appointments.js';
import { abortCancellationUpdate } from '../../src/workflows/offerDefinitions.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';
import { patientPhone, startStack, type Stack } from '../support/stack.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';

const recording = process.env.RECORD_HISTORIES !== undefined;
const set = process.env.HISTORY_SET;
if (recording && (set === undefined || !/^v\d+$/.test(set))) throw new Error('HISTORY_SET=v<n> names the new set of histories (never reuse a recorded one)');
const dir = new URL('./histories/', import.meta.url);

describe.runIf(recording)('record ticket workflow histories', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function save(name: string, workflowId: string) {
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await handle.result();
    const history = await handle.fetchHistory();
    writeFileSync(new URL(`${set}-${name}.json`, dir), JSON.stringify(history, null, 2) + '\n');
  }

  async function workflowIdOf(phone: string) {
    const [row] = await stack.sql<{ workflow_id: string }[]>`
      select workflow_id from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone} order by id desc limit 1`;
    return row!.workflow_id;
  }

  /** Starts a ticket directly, with timers chosen by the scenario (`closesInMs`, reminder minutes). */
  async function startTicket(code: string, phone: string, opts: { closesInMs: number; nextReminderMinutes?: number; note?: string }) {
    const serviceDay = new Date().toISOString().slice(0, 10);
    const input: TicketWorkflowInput = {
      clinicId: stack.clinic.id,
      clinicSlug: stack.clinic.slug,
      serviceDay,
      code,
      phone,
      channel: 'sms',
      note: opts.note ?? 'recorded',
      closesAt: Date.now() + opts.closesInMs,
      nextReminderMinutes: opts.nextReminderMinutes ?? 5,
    };
    const workflowId = ticketWorkflowId(stack.clinic.slug, serviceDay, code);
    await stack.temporal.workflow.executeUpdateWithStart(joinUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: stack.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    return workflowId;
  }

  const move = (code: string, to: string) => stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: to }) });

  it('join → next → in_room → done', async () => {
    const phone = patientPhone();
    await stack.sendSms(phone, 'JOIN');
    const workflowId = await workflowIdOf(phone);
    const code = (await stack.sql`select code from tickets where workflow_id = ${workflowId}`)[0]!.code as string;
    for (const to of ['next', 'in_room', 'done']) expect((await move(code, to)).status).toBe(200);
    await save('join-next-in_room-done', workflowId);
  });

  it('join → leave', async () => {
    const phone = patientPhone();
    await stack.sendSms(phone, 'JOIN back pain');
    const workflowId = await workflowIdOf(phone);
    await stack.sendSms(phone, 'LEAVE');
    await save('join-leave', workflowId);
  });

  it('next with reminder, then no-show', async () => {
    const phone = patientPhone();
    // A reminder after 0.05 min (3 s).
    const workflowId = await startTicket('R01', phone, { closesInMs: 60_000, nextReminderMinutes: 0.05 });
    expect((await move('R01', 'next')).status).toBe(200);
    await expect
      .poll(async () => (await stack.temporal.workflow.getHandle(workflowId).query(ticketQuery)).reminded, { timeout: 20_000, interval: 200 })
      .toBe(true);
    expect((await move('R01', 'no_show')).status).toBe(200);
    await save('next-reminder-no_show', workflowId);
  });

  it('day-end close of a waiting and of an in-room ticket', async () => {
    const waiting = await startTicket('D01', patientPhone(), { closesInMs: 3_000 });
    const inRoom = await startTicket('D02', patientPhone(), { closesInMs: 3_000 });
    expect((await move('D02', 'next')).status).toBe(200);
    expect((await move('D02', 'in_room')).status).toBe(200);
    await save('day-end-expired', waiting);
    await save('day-end-done', inRoom);
  });

  it('a LEAVE and a Call next at the same moment', async () => {
    const phone = patientPhone();
    const workflowId = await startTicket('L01', phone, { closesInMs: 60_000 });
    await Promise.all([stack.sendSms(phone, 'LEAVE'), move('L01', 'next')]);
    await save('race-leave-next', workflowId);
  });

  it('a ticket whose row Postgres refuses (note over 140 characters) ends unopened', async () => {
    const started = startTicket('U01', patientPhone(), { closesInMs: 60_000, note: 'x'.repeat(200) });
    await expect(started).rejects.toThrow();
    await save('unopened', ticketWorkflowId(stack.clinic.slug, new Date().toISOString().slice(0, 10), 'U01'));
  });

  it('a second JOIN workflow for a phone with an open ticket merges', async () => {
    const phone = patientPhone();
    await startTicket('M01', phone, { closesInMs: 60_000 });
    const merged = await startTicket('M02', phone, { closesInMs: 60_000 });
    await save('merged-join', merged);
    expect((await findTicketByCode(stack.sql, stack.clinic.id, 'M01'))?.state).toBe('waiting');
  });
});

describe.runIf(recording)('record appointment chain histories', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const HOUR = 60 * 60_000;
  const allDay = { start: '00:00', end: '24:00' };
  const save = (name: string, workflowId: string, runId?: string) =>
    stack.temporal.workflow
      .getHandle(workflowId, runId)
      .fetchHistory()
      .then((history) => writeFileSync(new URL(`${set}-${name}.json`, dir), JSON.stringify(history, null, 2) + '\n'));
  const answer = (phone: string, body: string) =>
    routeAnswer({ sql: stack.sql, temporal: stack.temporal, log: pino({ level: 'silent' }) }, stack.clinic.id, phone, body);
  /** Signals `delivered` for every text the appointment's chain has sent, as the status webhook would. */
  const deliverAll = async (handle: { signal: (s: typeof deliveryReceiptSignal, r: DeliveryReceipt) => Promise<void> }, appointmentId: string) => {
    const sent = await stack.sql<
      { provider_sid: string }[]
    >`select provider_sid from messages where appointment_id = ${appointmentId} and provider_sid is not null`;
    for (const { provider_sid } of sent) await handle.signal(deliveryReceiptSignal, { sid: provider_sid, status: 'delivered', errorCode: null });
  };
  const promptOf = (handle: { query: (q: typeof appointmentQuery) => Promise<{ openPrompt: string | null }> }) =>
    expect.poll(async () => (await handle.query(appointmentQuery)).openPrompt, { timeout: 20_000, interval: 200 });

  /** A voice appointment a day out, reminded now by a call; the clinic calls again after `callRetryMinutes`. */
  const remindByCall = async (callRetryMinutes: number) => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 24 * HOUR,
      contactHours: allDay,
      channel: 'voice',
      callRetryMinutes,
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    /** The calls placed so far, oldest first. */
    const calls = () =>
      stack.sql<{ call_sid: string }[]>`select call_sid from calls where appointment_id = ${appointment.appointmentId} and call_sid is not null order by id`;
    return { appointment, handle, calls };
  };

  it('booked → reminder on its timer → YES → visited', async () => {
    // A reminder 1.9 minutes before a start 2 minutes away: its timer fires after about 6 s.
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 2 * 60_000,
      reminderRules: [{ kind: 'before', minutes: 1.9 }],
      contactHours: allDay,
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-reminder-yes-visited', handle.workflowId);
  });

  it('reminder now → YES → Remind now for the confirmed visit → visited', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 24 * HOUR, contactHours: allDay });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toEqual(['booking_confirmation']);
    await handle.executeUpdate(remindNowUpdate);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await handle.executeUpdate(remindNowUpdate);
    // With patched('confirmed-visit-reminder-asks-nothing') the second is `confirmed_reminder` (no question); before it, `reminder`.
    await expect.poll(async () => (await kindsSentTo(stack.sql, appointment)).length, { timeout: 20_000 }).toBe(3);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-confirmed-remind-now', handle.workflowId);
  });

  it('staff move → reminder now → CHANGE → 1 → staff cancel', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 24 * HOUR, contactHours: allDay });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toEqual(['booking_confirmation']);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(Date.now() + 48 * HOUR).toISOString() }] });
    await handle.executeUpdate(remindNowUpdate);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered' });
    expect(await answer(appointment.phone, '1')).toMatchObject({ kind: 'answered' });
    await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] });
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toContain('cancelled');
    await deliverAll(handle, appointment.appointmentId);
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    expect(await kindsSentTo(stack.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled', 'reminder', 'cancelled']);
    await save('appointment-move-change-pick-cancel', handle.workflowId);
  });

  it('staff move → YES to the move text → visited', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 24 * HOUR, contactHours: allDay });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toEqual(['booking_confirmation']);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(Date.now() + 48 * HOUR).toISOString() }] });
    await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'rescheduled']);
    // The move's text asks the reminder's question (patched('move-asks-to-confirm')): the YES confirms the new time.
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed' });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-move-yes-visited', handle.workflowId);
  });

  it("a voice reminder → staff move during the call → the call's key about the old time → a key about the new time → visited", async () => {
    const { appointment, handle, calls } = await remindByCall(30);
    await expect.poll(async () => (await calls()).length, { timeout: 20_000 }).toBe(1);
    const [oldStart, newStart] = [appointment.startsAt, new Date(Date.now() + 48 * HOUR).toISOString()];
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: newStart }] });
    await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'rescheduled']);
    // A key sends the start its call's reminder asked about (patched('call-key-answers-its-question')):
    // the old one is refused before history, the new one confirms.
    const key = (askedAbout: string) =>
      handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: 'YES', kind: 'appointment_reminder', askedAbout }] });
    await expect(key(oldStart)).rejects.toThrow();
    expect(await key(newStart)).toMatchObject({ kind: 'confirmed' });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-move-during-call-key', handle.workflowId);
  });

  it('booked while contact hours are closed → Remind now → staff move → the confirmation of the new time and the reminder at opening → YES → visited', async () => {
    // Contact hours that open 30–90 s from now (the clinic's clock): the confirmation and the reminder are held until then.
    const local = DateTime.now().setZone(stack.clinic.timezone);
    const opens = local.startOf('minute').plus({ minutes: local.second < 30 ? 1 : 2 });
    if (!opens.hasSame(local, 'day')) throw new Error("record this scenario away from the clinic's midnight");
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 48 * HOUR,
      contactHours: { start: opens.toFormat('HH:mm'), end: '24:00' },
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(Date.now() + 72 * HOUR).toISOString() }] });
    expect(await kindsSentTo(stack.sql, appointment)).toEqual([]);
    // The move found the confirmation held (patched('move-before-confirmation-confirms-new-time')): the
    // booking confirmation of the new time goes, then the reminder staff asked for, about the new time.
    await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 120_000, interval: 500 }).toEqual(['booking_confirmation', 'reminder']);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-held-confirmation-move', handle.workflowId);
  }, 180_000);

  /**
   * Contact hours that open 30–90 s from now (the clinic's clock), so texts owed now are held until then;
   * `opens` (epoch ms) is when they open.
   */
  const closedUntilSoon = () => {
    const local = DateTime.now().setZone(stack.clinic.timezone);
    const opens = local.startOf('minute').plus({ minutes: local.second < 30 ? 1 : 2 });
    if (!opens.hasSame(local, 'day')) throw new Error("record this scenario away from the clinic's midnight");
    return { contactHours: { start: opens.toFormat('HH:mm'), end: '24:00' }, opens: opens.toMillis() };
  };
  /** Waits (real time) until `at` (epoch ms) and 5 s more, for the chain to have done what fell due then. */
  const pastInstant = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(at - Date.now(), 0) + 5_000));

  // The held texts' scenarios run on the code with and without their patch (the -unpatched sets come from
  // a worktree of the code before it): each checks what the patient got by whether its patch is marked.
  /** Whether the chain `workflowId`'s history so far has `patch`'s marker. */
  const patchMarked = async (workflowId: string, patch: string) =>
    (await stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events!.some((event) => {
      const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data !== undefined && data !== null && (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id === patch;
    });

  it('booked while contact hours are closed for a visit that starts before they open → the held confirmation at opening → no-show', async () => {
    const { contactHours, opens } = closedUntilSoon();
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 20_000, contactHours });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await pastInstant(opens);
    // patched('started-visit-drops-held-texts'): the confirmation is dropped; before it, it was sent.
    const dropped = await patchMarked(handle.workflowId, 'started-visit-drops-held-texts');
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toEqual(dropped ? [] : ['booking_confirmation']);
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markNoShowUpdate);
    expect(await handle.result()).toMatchObject({ status: 'no_show' });
    await save('appointment-held-confirmation-started', handle.workflowId);
  }, 180_000);

  it('booked while contact hours are closed → staff cancel → (the cancellation at opening)', async () => {
    const { contactHours, opens } = closedUntilSoon();
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 48 * HOUR, contactHours });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] });
    // patched('cancel-before-confirmation-texts-nothing'): the chain ends at once, owing nothing; before
    // it, the cancellation went at opening.
    await pastInstant(opens);
    const untold = await patchMarked(handle.workflowId, 'cancel-before-confirmation-texts-nothing');
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toEqual(untold ? [] : ['cancelled']);
    await deliverAll(handle, appointment.appointmentId);
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await save('appointment-held-confirmation-cancel', handle.workflowId);
  }, 180_000);

  it('booked while contact hours are closed → Remind now twice → the confirmation and the reminder at opening → YES → visited', async () => {
    const { contactHours, opens } = closedUntilSoon();
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 48 * HOUR, contactHours });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await handle.executeUpdate(remindNowUpdate);
    // patched('held-reminder-owed-once'): one reminder goes; before it, two.
    await pastInstant(opens);
    const once = await patchMarked(handle.workflowId, 'held-reminder-owed-once');
    await expect
      .poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 })
      .toEqual(once ? ['booking_confirmation', 'reminder'] : ['booking_confirmation', 'reminder', 'reminder']);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-held-reminder-twice', handle.workflowId);
  }, 180_000);

  it('reminder now → CHANGE with no other time open → staff cancel', async () => {
    // Half an hour of office a day fits no hour-long visit: no other time is ever open.
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 24 * HOUR,
      contactHours: allDay,
      providerName: 'Dr Fullday',
      durationMinutes: 60,
      officeDays: [1, 2, 3, 4, 5, 6, 7],
      opens: '09:00',
      closes: '09:30',
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('no other open times') });
    await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] });
    await expect.poll(() => kindsSentTo(stack.sql, appointment)).toContain('cancelled');
    await deliverAll(handle, appointment.appointmentId);
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await save('appointment-change-no-open-times', handle.workflowId);
  });

  it('reminder now → CHANGE → the list of open times lapses unanswered → visited', async () => {
    // The list holds until the visit starts, here 20 s away (office hours every day: times are open).
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 20_000,
      contactHours: allDay,
      officeDays: [1, 2, 3, 4, 5, 6, 7],
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await promptOf(handle).toBe('appointment_reminder');
    expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    await promptOf(handle).toBe('reschedule_slots');
    await expect.poll(async () => (await handle.query(appointmentQuery)).openPrompt, { timeout: 40_000, interval: 500 }).toBe(null);
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-change-list-lapses', handle.workflowId);
  });

  it('reminder now → CHANGE → YES to the list of open times (the patient keeps their time) → visited', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
      startsAt: Date.now() + 24 * HOUR,
      contactHours: allDay,
      providerName: 'Dr Keeps',
      officeDays: [1, 2, 3, 4, 5, 6, 7],
    });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await promptOf(handle).toBe('appointment_reminder');
    await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'reminder']);
    expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    // From patched('list-takes-reminder-answers') the list takes the YES and the visit is confirmed;
    // before it the YES matched nothing and the list stayed open.
    await answer(appointment.phone, 'YES');
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-change-list-yes', handle.workflowId);
  });

  it('two patients pick the same time from their lists → the second gets a fresh list → visited', async () => {
    const book = (hours: number) =>
      bookTestAppointment(stack.sql, stack.clinic, {
        startsAt: Date.now() + hours * HOUR,
        contactHours: allDay,
        providerName: 'Dr Popular',
        officeDays: [1, 2, 3, 4, 5, 6, 7],
      });
    const [first, second] = [await book(24), await book(26)];
    const handles = [];
    for (const appointment of [first, second]) {
      const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
      await handle.executeUpdate(remindNowUpdate);
      await promptOf(handle).toBe('appointment_reminder');
      await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'reminder']);
      expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
      handles.push(handle);
    }
    expect(await answer(first.phone, '1')).toMatchObject({ kind: 'answered', reply: expect.stringContaining(' is now ') });
    // The second's time 1 was the first's: a fresh list (from patched('taken-time-says-so') after the slot_taken line).
    expect(await answer(second.phone, '1')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    const handle = handles[1]!;
    await deliverAll(handle, second.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-pick-taken', handle.workflowId);
  });

  it('a voice reminder: no answer → called again → busy → SMS → delivered → visited', async () => {
    const { appointment, handle, calls } = await remindByCall(0.05);
    await expect.poll(async () => (await calls()).length, { timeout: 20_000 }).toBe(1);
    await handle.signal(deliveryReceiptSignal, { sid: (await calls())[0]!.call_sid, status: 'no-answer', errorCode: null });
    await expect.poll(async () => (await calls()).length, { timeout: 20_000 }).toBe(2);
    await expect.poll(async () => (await calls()).length, { timeout: 20_000 }).toBe(2);
    await handle.signal(deliveryReceiptSignal, { sid: (await calls())[1]!.call_sid, status: 'busy', errorCode: null });
    await expect.poll(() => kindsSentTo(stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'reminder']);
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-voice-fallback', handle.workflowId);
  });

  it('a voice reminder: busy → YES by text while the second call waits → no second call → visited', async () => {
    const { appointment, handle, calls } = await remindByCall(0.1);
    await expect.poll(async () => (await calls()).length, { timeout: 20_000 }).toBe(1);
    await promptOf(handle).toBe('appointment_reminder');
    await handle.signal(deliveryReceiptSignal, { sid: (await calls())[0]!.call_sid, status: 'busy', errorCode: null });
    expect(await answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    // The second call was due 6 s after the busy receipt.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(await calls()).toHaveLength(1);
    await deliverAll(handle, appointment.appointmentId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-answer-stops-retries', handle.workflowId);
  });

  it('a chain whose row is gone at its start (the booking answered 503) ends', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 24 * HOUR, contactHours: allDay });
    await stack.sql`delete from appointments where id = ${appointment.appointmentId}`;
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
    expect(await handle.result()).toMatchObject({ status: 'booked' });
    await save('appointment-booking-refused', handle.workflowId);
  });

  it('a chain that continues as new, then a visit', async () => {
    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 24 * HOUR, contactHours: allDay });
    const handle = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment, { continueAsNewAtEvents: 20 });
    await handle.executeUpdate(remindNowUpdate);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(async () => (await handle.describe()).runId, { timeout: 20_000, interval: 200 }).not.toBe(handle.firstExecutionRunId);
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-continued', handle.workflowId, handle.firstExecutionRunId);
    await save('appointment-continued-visited', handle.workflowId);
  });
});

describe.runIf(recording)('record appointment chain histories through Twilio', () => {
  // Calls and texts go through Twilio's REST API stand-in, so a scenario can have Twilio refuse a call.
  const suite = twilioStackSuite();

  it('a voice reminder whose call Twilio refuses (21215) → SMS → delivered → visited', async () => {
    const appointment = await bookTestAppointment(suite.stack.sql, suite.stack.clinic, {
      startsAt: Date.now() + 24 * 60 * 60_000,
      contactHours: { start: '00:00', end: '24:00' },
      channel: 'voice',
    });
    suite.twilioApi.setAnswer(appointment.phone, (request) => (request.resource === 'calls' ? { kind: 'refused', code: 21215 } : { kind: 'created' }));
    const handle = await startAppointmentChain(suite.stack.temporal, suite.stack.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => kindsSentTo(suite.stack.sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'reminder']);
    const sent = await suite.stack.sql<{ provider_sid: string }[]>`
      select provider_sid from messages where appointment_id = ${appointment.appointmentId} and provider_sid is not null`;
    for (const { provider_sid } of sent) await handle.signal(deliveryReceiptSignal, { sid: provider_sid, status: 'delivered', errorCode: null });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    const history = await handle.fetchHistory();
    writeFileSync(new URL(`${set}-appointment-call-refused.json`, dir), JSON.stringify(history, null, 2) + '\n');
  });

  it('a voice reminder whose call Twilio never places (429s until its activity gives up) → SMS → delivered → visited', async () => {
    const { sql, temporal, taskQueue, clinic } = suite.stack;
    const appointment = await bookTestAppointment(sql, clinic, {
      startsAt: Date.now() + 24 * 60 * 60_000,
      contactHours: { start: '00:00', end: '24:00' },
      channel: 'voice',
    });
    // Twilio asks to retry each call in two hours, past the call activity's 30 minutes: its first try is its last.
    suite.twilioApi.setAnswer(appointment.phone, (request) =>
      request.resource === 'calls' ? { kind: 'throttled', retryAfterSeconds: 7200 } : { kind: 'created' },
    );
    const handle = await startAppointmentChain(temporal, taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    const { EventType } = temporalProto.api.enums.v1;
    const gaveUp = [EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT].map(String);
    const failed = async () => ((await handle.fetchHistory()).events ?? []).some((e) => gaveUp.includes(String(e.eventType)));
    await expect.poll(failed, { timeout: 20_000, interval: 200 }).toBe(true);
    // The reminder is texted instead (from patched('unplaced-call-falls-back')); before it, nothing is sent.
    await expect.poll(() => kindsSentTo(sql, appointment), { timeout: 20_000 }).toEqual(['booking_confirmation', 'reminder']);
    const sent = await sql<{ provider_sid: string }[]>`
      select provider_sid from messages where appointment_id = ${appointment.appointmentId} and provider_sid is not null`;
    for (const { provider_sid } of sent) await handle.signal(deliveryReceiptSignal, { sid: provider_sid, status: 'delivered', errorCode: null });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    const history = await handle.fetchHistory();
    writeFileSync(new URL(`${set}-appointment-call-unplaced.json`, dir), JSON.stringify(history, null, 2) + '\n');
    suite.twilioApi.clearAnswer(appointment.phone);
  });

  it('a voice reminder whose call Twilio throttles → YES by text before its next try → the call withdrawn, nothing else sent → visited', async () => {
    const { sql, temporal, taskQueue, clinic } = suite.stack;
    const appointment = await bookTestAppointment(sql, clinic, {
      startsAt: Date.now() + 24 * 60 * 60_000,
      contactHours: { start: '00:00', end: '24:00' },
      channel: 'voice',
    });
    // Twilio asks to retry the call in 3 s; the patient's YES comes before that try, which then places nothing.
    let calls = 0;
    suite.twilioApi.setAnswer(appointment.phone, (request) =>
      request.resource === 'calls' && ++calls === 1 ? { kind: 'throttled', retryAfterSeconds: 3 } : { kind: 'created' },
    );
    const handle = await startAppointmentChain(temporal, taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => suite.twilioApi.requestsTo(appointment.phone, 'calls').length, { timeout: 20_000 }).toBe(1);
    const answered = await routeAnswer({ sql, temporal, log: pino({ level: 'silent' }) }, clinic.id, appointment.phone, 'YES');
    expect(answered).toMatchObject({ kind: 'answered' });
    const status = async () => (await sql<{ status: string }[]>`select status from calls where appointment_id = ${appointment.appointmentId}`)[0]?.status;
    await expect.poll(status, { timeout: 20_000 }).toBe('canceled');
    expect(suite.twilioApi.requestsTo(appointment.phone, 'calls')).toHaveLength(1);
    const sent = await sql<{ provider_sid: string }[]>`
      select provider_sid from messages where appointment_id = ${appointment.appointmentId} and provider_sid is not null`;
    for (const { provider_sid } of sent) await handle.signal(deliveryReceiptSignal, { sid: provider_sid, status: 'delivered', errorCode: null });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    const history = await handle.fetchHistory();
    writeFileSync(new URL(`${set}-appointment-call-withdrawn.json`, dir), JSON.stringify(history, null, 2) + '\n');
    suite.twilioApi.clearAnswer(appointment.phone);
  });
});

describe.runIf(recording)('record cancellation offer histories', () => {
  // Texts go through Twilio's REST API stand-in, so a scenario can have Twilio refuse one.
  const suite = twilioStackSuite();
  beforeAll(async () => {
    // Offers at any hour, held 1 minute (the shortest hold): the run ends when the last hold does.
    const settings = await suite.stack.api('/api/clinic', {
      method: 'PATCH',
      body: JSON.stringify({ contact_hours_start: '00:00', contact_hours_end: '23:59', offer_hold_minutes: 1, offer_batch_size: 2 }),
    });
    expect(settings.status, await settings.text()).toBe(200);
  });

  /** Logs a slot 26 h ahead with a new provider for two new waitlisted patients; resolves once both are texted. */
  async function offerToTwo(providerName: string): Promise<{ phones: string[]; workflowId: string; providerId: number }> {
    const providerId = await addProvider(suite.stack, providerName);
    const phones = [await waitlistPatient(suite.stack, providerId), await waitlistPatient(suite.stack, providerId)];
    const { id, workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
    const sent = () => suite.stack.sql`select 1 from messages m join offers o on o.id = m.offer_id where o.cancellation_id = ${id}`;
    await expect.poll(async () => (await sent()).length, { timeout: 20_000 }).toBe(2);
    return { phones, workflowId, providerId };
  }

  async function save(workflowId: string, scenario: string, status = 'filled'): Promise<void> {
    const handle = suite.stack.temporal.workflow.getHandle(workflowId);
    expect(await handle.result()).toMatchObject({ status });
    const history = await handle.fetchHistory();
    writeFileSync(new URL(`${set}-${scenario}.json`, dir), JSON.stringify(history, null, 2) + '\n');
  }

  it('offered to two → one YES books it, the other is told it is taken', async () => {
    const { phones, workflowId } = await offerToTwo('Dr Okafor');
    await suite.stack.sendSms(phones[0]!, 'YES');
    await save(workflowId, 'offer-yes-filled');
  }, 180_000);

  it('offered to two → both say YES at once → one booked, the other told once', async () => {
    const { phones, workflowId } = await offerToTwo('Dr Race');
    await Promise.all(phones.map((phone) => suite.stack.sendSms(phone, 'YES')));
    await save(workflowId, 'offer-two-yes');
  }, 180_000);

  it('offered to two → one YES books it, the other one\'s "taken" notice is refused (21610) → still filled', async () => {
    const { phones, workflowId } = await offerToTwo('Dr Refused');
    suite.twilioApi.setAnswer(phones[1]!, { kind: 'refused', code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await suite.stack.sendSms(phones[0]!, 'YES');
    await save(workflowId, 'offer-notice-refused');
  }, 180_000);

  // The PATCH's own write without its abort (Temporal did not answer it): the workflow finds out by itself.
  const makeInactive = (providerId: number) => suite.stack.sql`update providers set active = false where id = ${providerId}`;

  it('offered to two → the provider made inactive → one YES → the booking refused → aborted, both told it is withdrawn', async () => {
    const { phones, workflowId, providerId } = await offerToTwo('Dr Leaving');
    await makeInactive(providerId);
    await suite.stack.sendSms(phones[0]!, 'YES');
    await save(workflowId, 'offer-provider-inactive-yes', 'aborted');
  }, 180_000);

  it('offered to two → the provider made inactive → the holds run out → the next round refused → aborted', async () => {
    const { workflowId, providerId } = await offerToTwo('Dr Departed');
    await makeInactive(providerId);
    await save(workflowId, 'offer-provider-inactive-round', 'aborted');
  }, 180_000);

  it('offered to two, Twilio throttles the second text → staff abort while the round waits → aborted, the first told it is withdrawn', async () => {
    const providerId = await addProvider(suite.stack, 'Dr Withdrawn');
    const phones = [await waitlistPatient(suite.stack, providerId), await waitlistPatient(suite.stack, providerId)];
    // Twilio asks to retry the second text in 5 s: the round's texts are still going when staff abort.
    suite.twilioApi.setAnswers(phones[1]!, [{ kind: 'throttled', retryAfterSeconds: 5 }]);
    const { id, workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
    const taken = () => suite.stack.sql`select 1 from messages where phone = ${phones[0]!} and provider_sid is not null`;
    await expect.poll(async () => (await taken()).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => suite.twilioApi.requestsTo(phones[1]!).length, { timeout: 20_000 }).toBe(1);
    const aborted = await suite.stack.api(`/api/cancellations/${id}/abort`, { method: 'POST' });
    expect(aborted.status, await aborted.text()).toBe(200);
    await save(workflowId, 'offer-abort-during-round', 'aborted');
  }, 180_000);

  it(
    'offered to two, Twilio throttles both texts until the round gives up (30 min) → both offers failed → staff abort → aborted',
    async () => {
      const providerId = await addProvider(suite.stack, 'Dr Throttled');
      const phones = [await waitlistPatient(suite.stack, providerId), await waitlistPatient(suite.stack, providerId)];
      // Twilio answers 429 to both texts for as long as they are tried: the round's send activity gives up after its 30 minutes.
      for (const phone of phones) suite.twilioApi.setAnswer(phone, { kind: 'throttled', retryAfterSeconds: 60 });
      const { id, workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
      const states = async () =>
        (await suite.stack.sql<{ state: string }[]>`select state from offers where cancellation_id = ${id} order by id`).map((o) => o.state);
      await expect.poll(states, { timeout: 35 * 60_000, interval: 10_000 }).toEqual(['failed', 'failed']);
      const aborted = await suite.stack.api(`/api/cancellations/${id}/abort`, { method: 'POST' });
      expect(aborted.status, await aborted.text()).toBe(200);
      await save(workflowId, 'offer-round-unsent', 'aborted');
    },
    40 * 60_000,
  );

  it('offered to two, Twilio throttles the second text for 5 s → each hold runs from its own text → nobody answers → expired', async () => {
    const providerId = await addProvider(suite.stack, 'Dr Held');
    const phones = [await waitlistPatient(suite.stack, providerId), await waitlistPatient(suite.stack, providerId)];
    // Twilio asks to retry the second text in 5 s: its offer holds from when it goes (the next pass), the first's from at once.
    suite.twilioApi.setAnswers(phones[1]!, [{ kind: 'throttled', retryAfterSeconds: 5 }]);
    const { workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
    await save(workflowId, 'offer-hold-from-text', 'expired');
  }, 180_000);

  it('staff abort while the round is still being made → aborted, nobody texted', async () => {
    const providerId = await addProvider(suite.stack, 'Dr Slow');
    const phones = [await waitlistPatient(suite.stack, providerId), await waitlistPatient(suite.stack, providerId)];
    // A slow database: the round waits for the first patient's row, which this transaction holds until the abort is in.
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => (letGo = resolve));
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    const holding = suite.stack.sql.begin(async (tx) => {
      await tx`select 1 from patients where clinic_id = ${suite.stack.clinic.id} and phone_e164 = ${phones[0]!} for update`;
      locked();
      await released;
    });
    await held;
    const { workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
    try {
      await expect
        .poll(async () => (await suite.stack.sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`).length, {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      // Straight to the workflow: the abort waits for the worker to hand in its task (at 8 s of the round), longer than the API's deadline.
      await suite.stack.temporal.workflow.getHandle(workflowId).executeUpdate(abortCancellationUpdate, { args: [{ by: 'staff' }] });
    } finally {
      letGo();
      await holding;
    }
    await save(workflowId, 'offer-abort-while-round-made', 'aborted');
  }, 180_000);
});

describe.runIf(recording)('record appointment chain histories in the time-skipping server', () => {
  // Texts held until contact hours open (08:00–20:00 here) need the clock moved past a night: the
  // time-skipping server's histories replay as any other.
  const ZONE = 'America/Chicago';
  const MINUTE = 60_000;
  const chain = appointmentChainSuite(ZONE);
  const save = async (name: string, handle: { fetchHistory: () => Promise<unknown> }) =>
    writeFileSync(new URL(`${set}-${name}.json`, dir), JSON.stringify(await handle.fetchHistory(), null, 2) + '\n');
  /** Whether the chain `workflowId`'s history so far has `patch`'s marker. */
  const patchMarked = async (workflowId: string, patch: string) =>
    (await chain.ts.temporal.workflow.getHandle(workflowId).fetchHistory()).events!.some((event) => {
      const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data !== undefined && data !== null && (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id === patch;
    });
  /** The patient at `phone` texts `body`, as the SMS webhook hands it on: the reply. */
  let texts = 0;
  const text = (phone: string, body: string) =>
    handleInboundText(
      { sql: chain.sql, temporal: chain.ts.temporal, taskQueue: chain.ts.taskQueue, log: chain.ts.log },
      { clinic: chain.clinic, from: { phone, channel: 'sms' }, body, messageSid: `SMrecorded${++texts}` },
    );
  /** Books a visit at 15:00 two days after local `now` (reached first) with no planned reminders, and starts its chain. */
  const bookAt = async (now: string, providerName: string) => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, now));
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
      startsAt: await nextLocal(chain.env, ZONE, '15:00', 2),
      providerName,
      reminderRules: [],
      officeDays: [1, 2, 3, 4, 5, 6, 7],
    });
    return { appointment, handle: await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment) };
  };

  it('reminder now → YES → CHANGE after the confirmation → YES to the list → NO after the confirmation', async () => {
    const { appointment, handle } = await bookAt('10:00', 'Dr Confirmed');
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await text(appointment.phone, 'YES');
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
    // patched('confirmed-visit-takes-change-and-no'): CHANGE gets the list, YES keeps the time, NO cancels;
    // before it, the chain took none of them (the help text, the confirmed text, the help text), and staff
    // mark the visit.
    await text(appointment.phone, 'CHANGE');
    await text(appointment.phone, 'YES');
    await text(appointment.phone, 'NO');
    const cancelled = (await handle.query(appointmentQuery)).status === 'cancelled';
    if (!cancelled) await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: cancelled ? 'cancelled' : 'visited' });
    await save('appointment-confirmed-change-no', handle);
  });

  it('reminder now at 10:00 → Remind now at 21:00, held → YES at 21:30 → the held reminder at 08:00 → visited', async () => {
    const { appointment, handle } = await bookAt('10:00', 'Dr Held');
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    await handle.executeUpdate(remindNowUpdate);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:30'));
    expect(await chain.answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    // patched('held-reminder-of-confirmed-visit-asks-nothing'): it goes as confirmed_reminder; before it, it asked again.
    const asksNothing = await patchMarked(handle.workflowId, 'held-reminder-of-confirmed-visit-asks-nothing');
    await expect.poll(async () => (await kindsSentTo(chain.sql, appointment)).at(-1)).toBe(asksNothing ? 'confirmed_reminder' : 'reminder');
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-held-reminder-confirmed', handle);
  });

  it('staff move at 21:00, its text held → Remind now at 21:30 → the move text at 08:00 → YES → visited', async () => {
    const { appointment, handle } = await bookAt('10:00', 'Dr Moved');
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(await nextLocal(chain.env, ZONE, '11:00', 3)).toISOString() }] });
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:30'));
    await handle.executeUpdate(remindNowUpdate);
    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    // patched('held-move-text-is-the-reminder'): the move's text alone; before it, a reminder after it.
    const once = await patchMarked(handle.workflowId, 'held-move-text-is-the-reminder');
    await expect
      .poll(() => kindsSentTo(chain.sql, appointment))
      .toEqual(once ? ['booking_confirmation', 'rescheduled'] : ['booking_confirmation', 'rescheduled', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
    await handle.executeUpdate(markVisitedUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ status: 'visited' });
    await save('appointment-held-move-remind-now', handle);
  });
});
