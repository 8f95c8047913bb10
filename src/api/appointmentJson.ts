/**
 * Appointments as the JSON API answers them (`appointments.ts`): the OpenAPI schemas and the mapping
 * from the data layer's `Appointment` and `Delivery` to them. Times ISO 8601 UTC; `follow_up_date`
 * clinic-local.
 */
import { z } from '@hono/zod-openapi';
import { APPOINTMENT_STATUSES, type Appointment } from '../appointments/appointments.js';
import { CALL_BACK_REASONS, type CallBack } from '../appointments/callBacks.js';
import type { Delivery } from '../appointments/deliveryAttempts.js';
import type { AppointmentView, CancelledView } from '../workflows/appointmentDefinitions.js';

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

/** An appointment after staff cancelled it (`POST /api/appointments/{id}/cancel`): with whether the patient is texted. */
export const ZCancelledAppointment = ZAppointment.extend({
  patient_texted: z.boolean().meta({
    description:
      'Whether the patient is texted that it is cancelled (at once, or when contact hours open). False when the booking confirmation had not gone yet (held until contact hours open, for a booking made outside them): the patient was never texted about this booking, so they get neither text.',
    example: true,
  }),
}).openapi('CancelledAppointment');

/** When the patient asked for another time and staff should call them back: see `findCallBacks`. */
const ZAnotherTimeAskedAt = z.string().nullable().meta({
  description:
    'When the patient asked for another time (ISO 8601 UTC) and the appointment stayed as it was, so staff should call them back (`call_back_reason` says why): when the reminder call was placed on which they pressed 2 from a landline (`landline`), when they were told no other time was open (`no_open_times`), when the open times were texted to them (`no_time_chosen`), or when the text with the open times a reminder call promised could not be sent (`times_not_sent`). Null when there is nothing to call back about, or once they answered a later question, the appointment was moved, it closed or it started.',
  example: null,
});

/** Why staff should call the patient back; null with `another_time_asked_at`. */
const ZCallBackReason = z.enum(CALL_BACK_REASONS).nullable().meta({
  description:
    'Why staff should call the patient back about another time: `landline` (they pressed 2 on a reminder call to a landline, which takes no texts, and were asked to call the clinic), `no_open_times` (no other time was open: they were told so and to call the office), `no_time_chosen` (they were texted the open times and chose none before the list lapsed) or `times_not_sent` (they pressed 2 on a reminder call to a mobile, were told the open times would be texted, and that text could not be sent). Null when `another_time_asked_at` is.',
  example: null,
});

/** An appointment in the list: with `another_time_asked_at` and `call_back_reason`, found for the whole page at once. */
export const ZListedAppointment = ZAppointment.extend({ another_time_asked_at: ZAnotherTimeAskedAt, call_back_reason: ZCallBackReason }).openapi(
  'ListedAppointment',
);

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

/** `a` after a cancel, as `ZCancelledAppointment`: `view`, the chain's answer to the cancel, says whether the patient is texted. */
export const cancelledJson = (a: Appointment, view: CancelledView): z.infer<typeof ZCancelledAppointment> => ({
  ...appointmentJson(a, view),
  patient_texted: view.patientTexted,
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
          send_error: z.string().nullable().meta({
            description:
              'A text or call Twilio has not taken (`sid` null): what Twilio answered its last try (`Twilio answered 429 and asks to retry after 60 s`, `no answer from Twilio: …`), while it is tried again (`queued`) or once it ended unsent (`failed`: no try was left). Null once Twilio took it, for a refusal (see `error_code`), and before a first answer.',
            example: null,
          }),
          send_until: z.string().nullable().meta({
            description:
              'ISO 8601 UTC. A text or call Twilio has not taken: the deadline of its tries (one still `queued` ends `failed` two minutes past it). Null once Twilio took it.',
            example: null,
          }),
          note: z.string().nullable().meta({
            description:
              "Why this attempt went on this channel (a fallback), for texts and calls alike; null for the first attempt on the appointment's channel.",
            example: 'the text was undelivered (30006): a landline, so a call',
          }),
          outcome_note: z.string().nullable().meta({
            description:
              'Calls: what the call came to, kept apart from `note`: `voicemail left`, `no choice on the keypad`, `a landline: asked to call the clinic for another time`, `no other time open: asked to call the clinic`, `the choice could not be recorded`. Null for a text, and for a call with none (not answered yet, or a choice recorded: see `choice`).',
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

/** `appointments` as the list answers them, each with its request to call the patient back from `callBacks` (`findCallBacks`). */
export const listedJson = (appointments: readonly Appointment[], callBacks: ReadonlyMap<string, CallBack>): z.infer<typeof ZListedAppointment>[] =>
  appointments.map((a) => {
    const callBack = callBacks.get(a.id);
    return { ...appointmentJson(a), another_time_asked_at: callBack?.askedAt.toISOString() ?? null, call_back_reason: callBack?.reason ?? null };
  });

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
      send_error: t.unsent?.sendError ?? null,
      send_until: t.unsent?.sendUntil?.toISOString() ?? null,
      note: t.note,
      outcome_note: t.outcomeNote,
      answered_by: t.answeredBy,
      choice: t.choice,
      at: t.at.toISOString(),
    })),
  }));
