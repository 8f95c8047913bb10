/**
 * Appointments in the JSON API: book (`POST /api/appointments`), list and read, move (`PATCH`), cancel,
 * remind now, mark visited or no-show, and the spreadsheet export (`GET /api/appointments.csv`). Each
 * change is an update of the appointment's chain (`appointmentWorkflow`), so the answer is the true
 * outcome. `?clinic=<slug>` as everywhere in `/api`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { AppError } from '../errors.js';
import type { Sql } from '../db/sql.js';
import { ZLanguage } from '../domain/languages.js';
import { parseAddress } from '../domain/phone.js';
import { appointmentsCsv } from '../appointments/appointmentsCsv.js';
import { APPOINTMENT_STATUSES, getAppointment, listAppointments, type Appointment } from '../appointments/appointments.js';
import { bookAppointment, type BookingRequest } from '../appointments/bookAppointment.js';
import { changeAppointment, staffChanges, type StaffChange } from '../appointments/changeAppointment.js';
import { findCallBacks } from '../appointments/callBacks.js';
import { listDeliveries } from '../appointments/deliveryAttempts.js';
import {
  appointmentJson,
  cancelledJson,
  deliveriesJson,
  listedJson,
  ZAppointment,
  ZAppointmentWithDeliveries,
  ZCancelledAppointment,
  ZListedAppointment,
} from './appointmentJson.js';
import { checkIdempotencyKey, staffUpdateId, ZIdempotencyHeaders } from './idempotencyKey.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { linkNextPage, MAX_PAGE_LIMIT, NEXT_PAGE_HEADERS, timeKeyCursor, ZNextCursor, ZPagedQuery, ZPageLimit, ZTimeKeyCursor } from './pageCursor.js';
import { ZCalendarDate, ZClinicSlug, ZFreeText, ZInstant, ZProviderId, requireJsonBody, unknownField } from './validation.js';
import type { AppointmentView } from '../workflows/appointmentDefinitions.js';

const MAX_NAME = 100;
/** The appointment list's name in its cursors. */
const APPOINTMENTS_LIST = 'appointments';
const DURATION_MESSAGE = 'must be a whole number of minutes from 5 to 480';

const ZStartsAt = ZInstant.refine((at) => at.getTime() > Date.now(), 'must be in the future').meta({
  description: 'When it starts: ISO 8601 with its offset (or Z).',
  example: '2026-12-01T10:30:00-06:00',
});

/** A booking as staff send it (the JSON body; the board's form maps its fields onto it). */
export const ZBooking = z
  .strictObject(
    {
      patient_name: ZFreeText(MAX_NAME).meta({ example: 'Rahul Sharma' }),
      phone: z
        .string({ error: 'must be a phone number' })
        .trim()
        .min(1, 'must be a phone number')
        .max(40, 'must be a phone number')
        .meta({ description: "E.164, or a local number read in the clinic's `default_country`; stored E.164.", example: '+919876543210' }),
      starts_at: ZStartsAt,
      duration_minutes: z.int({ error: DURATION_MESSAGE }).min(5, DURATION_MESSAGE).max(480, DURATION_MESSAGE).meta({ example: 30 }),
      provider: ZFreeText(MAX_NAME)
        .optional()
        .meta({ description: "The provider's name; a name the clinic does not know yet adds the provider.", example: 'Dr Mehta' }),
      provider_id: ZProviderId.optional().meta({ example: 3 }),
      service: ZFreeText(MAX_NAME).meta({ description: 'What the visit is for (the CSV\'s "specialty").', example: 'Ortho' }),
      channel: z.enum(['sms', 'whatsapp', 'voice'], { error: 'must be sms, whatsapp or voice' }).meta({
        description:
          "How reminders reach the patient: `whatsapp` (an approved template outside the 24-hour window), `sms`, or `voice` (a call answered by keypad; the chain's other messages go by SMS). Each falls back by delivery receipt: WhatsApp → SMS → call.",
        example: 'sms',
      }),
      language: ZLanguage.optional().meta({
        description: "The patient's language (`en`, `es`, …); kept for this number. Default: their earlier choice, else the clinic's.",
        example: 'en',
      }),
    },
    { error: unknownField },
  )
  .superRefine((body, ctx) => {
    if ((body.provider === undefined) === (body.provider_id === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['provider'], message: 'give either provider (a name) or provider_id' });
    }
  })
  .openapi('BookingRequest');

/**
 * What a parsed booking asks for at `clinic`: its phone read as E.164 (a local number in the clinic's
 * `defaultCountry`), the provider by id or by name.
 * @throws AppError bad_request naming `phone` when it is not a valid mobile number.
 */
export function bookingRequestFor(clinic: Clinic, body: z.infer<typeof ZBooking>): BookingRequest {
  const phone = parseAddress(body.phone, clinic.defaultCountry);
  if (phone?.channel !== 'sms') {
    throw new AppError('bad_request', `phone: must be a valid mobile number, E.164 or local to ${clinic.defaultCountry}`, 'phone');
  }
  return {
    patientName: body.patient_name,
    phone: phone.phone,
    startsAt: body.starts_at,
    durationMinutes: body.duration_minutes,
    provider: body.provider_id === undefined ? { name: body.provider! } : { id: body.provider_id },
    service: body.service,
    channel: body.channel,
    ...(body.language === undefined ? {} : { language: body.language }),
  };
}

const ZAppointmentPath = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'must be an appointment id')
    .meta({ example: '42' }),
});
const ZListQuery = z.object({
  clinic: ZClinicSlug,
  date: ZCalendarDate.optional().meta({ description: 'Only appointments starting on this clinic-local day.', example: '2026-12-01' }),
  status: z.enum(APPOINTMENT_STATUSES, { error: `must be one of ${APPOINTMENT_STATUSES.join(', ')}` }).optional(),
});
/** `GET /appointments`'s query: the export's filters and a page, its cursor held to those filters. */
const ZPagedListQuery = ZPagedQuery(APPOINTMENTS_LIST, ZListQuery.extend({ limit: ZPageLimit(MAX_PAGE_LIMIT), cursor: ZTimeKeyCursor(APPOINTMENTS_LIST) }));
const ZClinicOnly = z.object({ clinic: ZClinicSlug });

const jsonErrors = {
  413: '`payload_too_large`: the body is over the limit.',
  415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
};
const changeErrors = staffErrors({
  400: '`bad_request` naming the field (`id`, `clinic`, `idempotency-key`, a body field, or `body` when it is not JSON).',
  404: '`not_found`: no such appointment (`field: "id"`) or clinic.',
  409: '`conflict`: the appointment is cancelled, visited, marked a no-show or has started (`field: "status"`), or, for a no-show, has not started yet; nothing changed.',
  422: '`unprocessable_content` naming `idempotency-key`: the key was already used for this change with another request (another appointment, other body values); nothing changed.',
  ...jsonErrors,
});
const appointmentResponse = (description: string, schema: typeof ZAppointment = ZAppointment) => ({ description, content: { 'application/json': { schema } } });

/** Routes under `/api` for appointments. */
export function appointmentRoutes(deps: { sql: Sql; temporal: Client; taskQueue: string }) {
  const app = createApiRouter();

  /** The clinic, and the date and status filter of a list query, as `listAppointments` takes it. */
  const filterFor = async ({ clinic: slug, date, status }: z.infer<typeof ZListQuery>) => {
    const clinic = await getClinicBySlug(deps.sql, slug);
    const filter = { timezone: clinic.timezone, ...(date === undefined ? {} : { date }), ...(status === undefined ? {} : { status }) };
    return { clinic, filter };
  };

  const load = async (slug: string, id: string) => {
    const clinic = await getClinicBySlug(deps.sql, slug);
    return { clinic, appointment: await getAppointment(deps.sql, clinic.id, id) };
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/appointments',
      operationId: 'bookAppointment',
      summary: 'Book an appointment and start its reminder chain',
      description: "The patient gets a confirmation at once (within contact hours), then the reminders of the clinic's schedule.",
      tags: ['Appointments'],
      middleware: [requireJsonBody],
      request: { query: ZClinicOnly, body: { required: true, content: { 'application/json': { schema: ZBooking } } } },
      responses: {
        201: appointmentResponse('The booked appointment.'),
        ...staffErrors({
          400: '`bad_request` naming the field: `patient_name`, `phone`, `starts_at` (not ISO 8601 with offset, or past), `duration_minutes`, `provider`/`provider_id` (unknown, or a provider made inactive), `service`, `channel`, `language`; nothing is written.',
          404: '`not_found`: no such clinic.',
          ...jsonErrors,
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      const booked = await bookAppointment(deps, clinic, bookingRequestFor(clinic, c.req.valid('json')));
      return c.json(appointmentJson(booked), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/appointments',
      operationId: 'listAppointments',
      summary: "A clinic's appointments by start time",
      description:
        'A page at a time, by start time and then `id`: pass `next_cursor` as `cursor` for the next page (also in the `Link` header, `rel="next"`) until it is null, with the same `date`, `status` and `clinic` (`limit` may change): a cursor sent with other filters is a 400 naming `cursor`. A boundary never skips or repeats an appointment, even among ones starting at the same time.',
      tags: ['Appointments'],
      request: { query: ZPagedListQuery },
      responses: {
        200: {
          description: 'A page of the appointments.',
          headers: NEXT_PAGE_HEADERS,
          content: {
            'application/json': {
              schema: z.object({ appointments: z.array(ZListedAppointment), next_cursor: ZNextCursor }).openapi('AppointmentList'),
            },
          },
        },
        ...staffErrors({
          400: '`bad_request` naming `date`, `status`, `limit`, `cursor` (not a `next_cursor` of this list, altered, or sent with other filters than its page) or `clinic`.',
          404: '`not_found`: no such clinic.',
        }),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { clinic, filter } = await filterFor(query);
      const page = await listAppointments(deps.sql, clinic.id, filter, { limit: query.limit, after: query.cursor?.key });
      const callBacks = await findCallBacks(deps.sql, page.items);
      const nextCursor = timeKeyCursor(APPOINTMENTS_LIST, query, page.next);
      linkNextPage(c, nextCursor);
      return c.json({ appointments: listedJson(page.items, callBacks), next_cursor: nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/appointments.csv',
      operationId: 'exportAppointmentsCsv',
      summary: 'The appointments as a spreadsheet (CSV)',
      description:
        "Every appointment the filters match, in one file (no paging). Exactly the columns `name,mobile,date,time_slot,doctor,specialty,followup_date`; dates and times in the clinic's time zone.",
      tags: ['Appointments'],
      request: { query: ZListQuery },
      responses: {
        200: {
          description: 'RFC 4180 CSV with a header row.',
          content: {
            'text/csv': {
              schema: z.string().meta({
                example:
                  'name,mobile,date,time_slot,doctor,specialty,followup_date\r\nRahul Sharma,+919876543210,2025-02-10,10:30,Dr Mehta,Ortho,2025-02-17\r\n',
              }),
            },
          },
        },
        ...staffErrors({ 400: '`bad_request` naming `date`, `status` or `clinic`.', 404: '`not_found`: no such clinic.' }),
      },
    }),
    async (c) => {
      const { date } = c.req.valid('query');
      const { clinic, filter } = await filterFor(c.req.valid('query'));
      const list = await listAppointments(deps.sql, clinic.id, filter);
      const csv = appointmentsCsv(list, clinic.timezone);
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="appointments-${clinic.slug}${date === undefined ? '' : `-${date}`}.csv"`,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/appointments/{id}',
      operationId: 'getAppointment',
      summary: 'One appointment, with its next planned reminder, workflow ID and every delivery attempt of its messages',
      tags: ['Appointments'],
      request: { params: ZAppointmentPath, query: ZClinicOnly },
      responses: {
        200: { description: 'The appointment and its deliveries.', content: { 'application/json': { schema: ZAppointmentWithDeliveries } } },
        ...staffErrors({ 400: '`bad_request` naming `id` or `clinic`.', 404: '`not_found`: no such appointment (`field: "id"`) or clinic.' }),
      },
    }),
    async (c) => {
      const { appointment } = await load(c.req.valid('query').clinic, c.req.valid('param').id);
      const deliveries = await listDeliveries(deps.sql, appointment.id);
      const [listed] = listedJson([appointment], await findCallBacks(deps.sql, [appointment]));
      return c.json({ ...listed!, deliveries: deliveriesJson(deliveries) }, 200);
    },
  );

  // `name` goes into the Temporal update ID with the request's Idempotency-Key (idempotencyKey.ts).
  // `answer` is the 200's schema and JSON when the change says more than the appointment (a cancel).
  const change = <V extends AppointmentView>(
    method: 'post' | 'patch',
    path: string,
    name: string,
    operationId: string,
    summary: string,
    body: z.ZodObject | undefined,
    toChange: (appointment: Appointment, body: never, updateId: string | undefined) => StaffChange<V>,
    answer: { schema: typeof ZAppointment; json: (appointment: Appointment, view: V) => z.infer<typeof ZAppointment> } = {
      schema: ZAppointment,
      json: appointmentJson,
    },
  ) => {
    app.openapi(
      createRoute({
        method,
        path,
        operationId,
        summary,
        tags: ['Appointments'],
        ...(body === undefined ? {} : { middleware: [requireJsonBody] }),
        request: {
          params: ZAppointmentPath,
          query: ZClinicOnly,
          headers: ZIdempotencyHeaders,
          ...(body === undefined ? {} : { body: { required: true, content: { 'application/json': { schema: body } } } }),
        },
        responses: { 200: appointmentResponse('The appointment after the change.', answer.schema), ...changeErrors },
      }),
      async (c) => {
        const { clinic, appointment } = await load(c.req.valid('query').clinic, c.req.valid('param').id);
        const parsed = (body === undefined ? undefined : c.req.valid('json' as never)) as never;
        const key = c.req.valid('header')['idempotency-key'];
        const { what, send, field, arguments: args } = toChange(appointment, parsed, staffUpdateId(name, key));
        await checkIdempotencyKey(deps.sql, clinic.id, name, key, { target: `appointments/${appointment.id}`, arguments: args });
        const view = await changeAppointment(deps, appointment, what, send, field);
        return c.json(answer.json(appointment, view), 200);
      },
    );
  };

  const ZMove = z.strictObject({ starts_at: ZStartsAt }, { error: unknownField }).openapi('MoveAppointmentRequest');
  const ZVisited = z
    .strictObject(
      {
        follow_up_date: ZCalendarDate.optional().meta({ description: 'A follow-up reminder goes at 09:00 clinic time that day.', example: '2026-12-15' }),
      },
      { error: unknownField },
    )
    .openapi('VisitedRequest');
  change(
    'patch',
    '/appointments/{id}',
    'move',
    'moveAppointment',
    'Move an appointment: its reminders re-plan for the new time',
    ZMove,
    (a, body: z.infer<typeof ZMove>, id) => staffChanges.move(a, body.starts_at, id),
  );
  change(
    'post',
    '/appointments/{id}/cancel',
    'cancel',
    'cancelAppointment',
    'Cancel an appointment: reminders stop, the patient is told (unless never texted about it), the slot goes to the waitlist',
    undefined,
    (a, _, id) => staffChanges.cancel(a, id),
    { schema: ZCancelledAppointment, json: cancelledJson },
  );
  change(
    'post',
    '/appointments/{id}/remind',
    'remind',
    'remindAppointment',
    "Send a reminder now (or at the start of the next contact window: a reminder or a staff move's text held until then asks for it)",
    undefined,
    (a, _, id) => staffChanges.remind(a, id),
  );
  change(
    'post',
    '/appointments/{id}/visited',
    'visited',
    'markAppointmentVisited',
    'Mark an appointment visited, with an optional follow-up date',
    ZVisited,
    (a, body: z.infer<typeof ZVisited>, id) => staffChanges.visited(a, body.follow_up_date, id),
  );
  change('post', '/appointments/{id}/no_show', 'no_show', 'markAppointmentNoShow', 'Mark an appointment a no-show (from its start)', undefined, (a, _, id) =>
    staffChanges.noShow(a, id),
  );

  return app;
}
