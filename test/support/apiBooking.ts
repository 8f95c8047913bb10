/**
 * An appointment booked the way staff book one: `POST /api/appointments` on a test stack, `days` from
 * now at the whole minute, with Dr Mehta, by SMS.
 */
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { json, patientPhone, type Stack } from './stack.js';

/** What a booking through the API gave: its id and workflow ID, the patient's number and the clinic-local day. */
export interface ApiBooking {
  id: string;
  workflowId: string;
  phone: string;
  /** The appointment's day in the clinic's time zone, `YYYY-MM-DD`. */
  day: string;
}

/** Books through the JSON API `days` from now and expects a 201. */
export async function bookThroughApi(stack: Stack, days: number, patientName = 'Rahul Sharma'): Promise<ApiBooking> {
  const phone = patientPhone();
  const startsAt = DateTime.now().plus({ days }).set({ second: 0, millisecond: 0 });
  const response = await stack.api('/api/appointments', {
    method: 'POST',
    body: JSON.stringify({
      patient_name: patientName,
      phone,
      starts_at: startsAt.toUTC().toISO(),
      duration_minutes: 30,
      provider: 'Dr Mehta',
      service: 'Ortho',
      channel: 'sms',
    }),
  });
  expect(response.status).toBe(201);
  const appointment = (await json(response)) as { id: string; workflow_id: string };
  return { id: appointment.id, workflowId: appointment.workflow_id, phone, day: startsAt.setZone(stack.clinic.timezone).toISODate()! };
}
