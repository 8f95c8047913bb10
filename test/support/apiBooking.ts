/**
 * An appointment booked the way staff book one: `POST /api/appointments` on a test stack, by default
 * 3 days from now at the whole minute, for Rahul Sharma with Dr Mehta (Ortho, 30 minutes), by SMS.
 */
import { DateTime } from 'luxon';
import { expect, vi } from 'vitest';
import { json, patientPhone, type Stack } from './stack.js';

/** What to book: every field optional, each default named beside it. */
export interface ApiBookingRequest {
  /** Days from now, at the whole minute of the time now (default 3). Ignored when `startsAt` is given. */
  days?: number;
  /** The exact start, a luxon DateTime or an ISO 8601 string with its offset (sent as given), e.g. a clinic-local 10:30; overrides `days`. */
  startsAt?: DateTime | string;
  /** The patient's number, E.164 (default a new fictional one, `patientPhone()`). */
  phone?: string;
  /** Default 'Rahul Sharma'. */
  patientName?: string;
  /** Default 'Dr Mehta'. */
  provider?: string;
  /** Default 'Ortho'. */
  service?: string;
  /** How the patient is reached (default 'sms'). */
  channel?: 'sms' | 'whatsapp' | 'voice';
  /** The patient's language, e.g. 'es'; sent only when given (else the clinic's default). */
  language?: string;
  /** The appointment's length in minutes (default 30). */
  durationMinutes?: number;
}

/** What a booking through the API gave: its id and workflow ID, the patient's number and the clinic-local day. */
export interface ApiBooking {
  id: string;
  workflowId: string;
  /** The patient's number as booked, E.164. */
  phone: string;
  /** The appointment's day in the clinic's time zone, `YYYY-MM-DD`. */
  day: string;
}

/** The JSON body of `POST /api/appointments` for `booking` (defaults above), and its start. */
export function apiBookingBody(booking: ApiBookingRequest = {}): { body: { phone: string } & Record<string, unknown>; start: DateTime } {
  const {
    days = 3,
    startsAt,
    phone = patientPhone(),
    patientName = 'Rahul Sharma',
    provider = 'Dr Mehta',
    service = 'Ortho',
    channel = 'sms',
    language,
    durationMinutes = 30,
  } = booking;
  const start =
    startsAt === undefined
      ? DateTime.now().plus({ days }).set({ second: 0, millisecond: 0 })
      : typeof startsAt === 'string'
        ? DateTime.fromISO(startsAt, { setZone: true })
        : startsAt;
  const body = {
    patient_name: patientName,
    phone,
    starts_at: typeof startsAt === 'string' ? startsAt : start.toISO(),
    duration_minutes: durationMinutes,
    provider,
    service,
    channel,
    ...(language === undefined ? {} : { language }),
  };
  return { body, start };
}

/** Books `booking` (defaults above) through the JSON API and expects a 201. */
export async function bookThroughApi(stack: Stack, booking: ApiBookingRequest = {}): Promise<ApiBooking> {
  const { body, start } = apiBookingBody(booking);
  const response = await stack.api('/api/appointments', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  const appointment = (await json(response)) as { id: string; workflow_id: string };
  return { id: appointment.id, workflowId: appointment.workflow_id, phone: body.phone, day: start.setZone(stack.clinic.timezone).toISODate()! };
}

/**
 * Has staff press Remind now on appointment `appointmentId` (`POST /api/appointments/{id}/remind`:
 * 200) and waits up to 15 s until its chain (`workflowId`) holds the reminder's question open.
 */
export async function remindAndAwaitQuestion(stack: Stack, appointmentId: string, workflowId: string): Promise<void> {
  expect((await stack.api(`/api/appointments/${appointmentId}/remind`, { method: 'POST' })).status).toBe(200);
  await vi.waitFor(
    async () =>
      expect(
        await stack.sql`select 1 from patient_prompts where workflow_id = ${workflowId} and kind = 'appointment_reminder' and closed_at is null`,
      ).toHaveLength(1),
    { timeout: 15_000 },
  );
}

/** The texts `stack` sent to `phone` (E.164), oldest first, as staff read them (`GET /api/messages?phone=`). */
export async function outboundTexts(stack: Stack, phone: string): Promise<string[]> {
  const { messages } = (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))) as { messages: { direction: string; body: string }[] };
  return messages
    .filter((m) => m.direction === 'outbound')
    .map((m) => m.body)
    .reverse();
}

/**
 * Sets the stack clinic's contact hours (`HH:MM`, start before end) for the bookings `work` makes (each
 * booking's chain keeps the hours it was booked with), then puts back the ones it had.
 */
export async function withContactHours<T>(stack: Stack, hours: { start: string; end: string }, work: () => Promise<T>): Promise<T> {
  const [before] = await stack.sql<{ start: string; end: string }[]>`
    select contact_hours_start::text as start, contact_hours_end::text as end from clinics where id = ${stack.clinic.id}`;
  await stack.sql`update clinics set contact_hours_start = ${hours.start}, contact_hours_end = ${hours.end} where id = ${stack.clinic.id}`;
  try {
    return await work();
  } finally {
    await stack.sql`update clinics set contact_hours_start = ${before!.start}, contact_hours_end = ${before!.end} where id = ${stack.clinic.id}`;
  }
}

/** An hour of contact hours that leaves out the stack clinic's time now (and the next hours): a booking's confirmation is held. */
export function contactHoursLeavingOutNow(stack: Stack): { start: string; end: string } {
  return DateTime.now().setZone(stack.clinic.timezone).hour < 12 ? { start: '13:00', end: '14:00' } : { start: '02:00', end: '03:00' };
}
