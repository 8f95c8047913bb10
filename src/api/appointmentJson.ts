/**
 * Appointments as the JSON API answers them (`appointments.ts`): the OpenAPI schemas and the mapping
 * from the data layer's `Appointment` and `Delivery` to them. Times ISO 8601 UTC; `follow_up_date`
 * clinic-local.
 */
import { z } from '@hono/zod-openapi';
import { APPOINTMENT_STATUSES, type Appointment } from '../appointments/appointments.js';
import type { Delivery } from '../appointments/deliveryAttempts.js';
import type { AppointmentView } from '../workflows/appointmentDefinitions.js';

/** An appointment as the API answers it. Times ISO 8601 UTC; `follow_up_date` clinic-local. */
export const ZAppointment = z
  .object({
    id: z.string().meta({ example: '42' }),
    status: z.enum(APPOINTMENT_STATUSES),
    patient_name: z.string(),
    phone: z.string().meta({ description: 'E.164.', example: '+919876543210' }),
    language: z.string().meta({ example: 'en' }),
    starts_at: z.string().meta({ example: '2026-12-01T16:30:00.000Z' }),
    duration_minutes: z.int(),
    provider_id: z.int(),
    provider: z.string().meta({ example: 'Dr Mehta' }),
    service: z.string(),
    channel: z.enum(['sms', 'whatsapp', 'voice']),
    follow_up_date: z.string().nullable().meta({ example: null }),
    next_reminder_at: z.string().nullable().meta({ description: 'The next planned reminder or follow-up, ISO 8601 UTC; null when none is left.' }),
    workflow_id: z.string().meta({ example: 'appointment-main-42' }),
  })
  .openapi('Appointment');

/** When the patient asked on a landline reminder call for another time: see `findAnotherTimeAsked`. */
const ZAnotherTimeAskedAt = z.string().nullable().meta({
  description:
    'When the reminder call was placed (ISO 8601 UTC) on which the patient, from a landline, pressed 2 for another time and was asked to call the clinic: no text can reach a landline, so nothing was texted and the time stays as it is until staff move it. Call them back. Null when not so, or once a later call got another choice, the appointment was moved or it closed.',
  example: null,
});

/** An appointment in the list: with `another_time_asked_at`, found for the whole page in one query. */
export const ZListedAppointment = ZAppointment.extend({ another_time_asked_at: ZAnotherTimeAskedAt }).openapi('ListedAppointment');

/** `a` as the API answers it; `view`, the chain's own state when it was just asked (a change's outcome), wins over the row. */
export const appointmentJson = (a: Appointment, view?: AppointmentView): z.infer<typeof ZAppointment> => ({
  id: a.id,
  status: view?.status ?? a.status,
  patient_name: a.patientName,
  phone: a.phone,
  language: a.language,
  starts_at: view?.startsAt ?? a.startsAt.toISOString(),
  duration_minutes: a.durationMinutes,
  provider_id: a.providerId,
  provider: a.providerName,
  service: a.service,
  channel: a.channel,
  follow_up_date: view === undefined ? a.followUpDate : view.followUpDate,
  next_reminder_at: view === undefined ? (a.nextReminderAt?.toISOString() ?? null) : view.nextReminderAt,
  workflow_id: a.workflowId,
});

/** The chain's messages and their delivery attempts (`GET /api/appointments/{id}`). */
export const ZDeliveries = z
  .array(
    z.object({
      kind: z
        .string()
        .meta({ description: 'The message: `reminder`, `booking_confirmation`, …, or `call_reply` (the text after a keypad choice).', example: 'reminder' }),
      key: z.string().meta({ description: 'The message idempotency key its attempts share.' }),
      attempts: z.array(
        z.object({
          channel: z.enum(['whatsapp', 'sms', 'voice']),
          sid: z
            .string()
            .nullable()
            .meta({ description: 'MessageSid or CallSid; null when the provider refused it.', example: 'SM0123456789abcdef0123456789abcdef' }),
          status: z.string().meta({ description: "Twilio's latest status (message or call).", example: 'delivered' }),
          error_code: z.int().nullable().meta({ example: null }),
          note: z.string().nullable().meta({
            description:
              "Why this attempt went on this channel (a fallback), for texts and calls alike; null for the first attempt on the appointment's channel.",
            example: 'the text was undelivered (30006): a landline, so a call',
          }),
          outcome_note: z.string().nullable().meta({
            description:
              'Calls: what the call came to, kept apart from `note`: `voicemail left`, `no choice on the keypad`, `a landline: asked to call the clinic for another time`, `the choice could not be recorded`. Null for a text, and for a call with none (not answered yet, or a choice recorded: see `choice`).',
            example: null,
          }),
          answered_by: z.string().nullable().meta({ description: "Calls: Twilio's AnsweredBy (`human`, `machine_end_beep`, …).", example: null }),
          choice: z.string().nullable().meta({ description: 'Calls: the keypad choice (`confirm`, `reschedule`, `cancel`).', example: null }),
          at: z.string().meta({ description: 'When it was sent or placed, ISO 8601 UTC.' }),
        }),
      ),
    }),
  )
  .meta({ description: 'Each message of the chain with every attempt to deliver it, in order: WhatsApp → SMS → call by delivery receipt.' });

/** One appointment read by id: as listed, with its deliveries. */
export const ZAppointmentWithDeliveries = ZListedAppointment.extend({ deliveries: ZDeliveries }).openapi('AppointmentWithDeliveries');

/** `appointments` as the list answers them, each with `another_time_asked_at` from `asked` (`findAnotherTimeAsked`). */
export const listedJson = (appointments: readonly Appointment[], asked: ReadonlyMap<string, Date>): z.infer<typeof ZListedAppointment>[] =>
  appointments.map((a) => ({ ...appointmentJson(a), another_time_asked_at: asked.get(a.id)?.toISOString() ?? null }));

/** `deliveries` as the API answers them (snake_case, times ISO 8601 UTC). */
export const deliveriesJson = (deliveries: Delivery[]): z.infer<typeof ZDeliveries> =>
  deliveries.map((d) => ({
    kind: d.kind,
    key: d.key,
    attempts: d.attempts.map((t) => ({
      channel: t.channel,
      sid: t.sid,
      status: t.status,
      error_code: t.errorCode,
      note: t.note,
      outcome_note: t.outcomeNote,
      answered_by: t.answeredBy,
      choice: t.choice,
      at: t.at.toISOString(),
    })),
  }));
