/**
 * The staff board's "Appointments" page under `/admin/appointments`: one clinic-local day's
 * appointments with their last delivery and next reminder, a form per staff change and a booking
 * form. Changes and bookings go through the same code as the JSON API (`staffChanges`,
 * `bookingRequestFor`), so the rules and refusals are the same; each form post answers 303 back to
 * the day with the outcome (`?notice=` with `?notice_for=`, shown in the appointment's card, the page
 * opened at it: `#appointment-<id>`) or the refusal (`?error=`, shown in the appointment's card), at
 * the address it was posted from: a `?date=` the page refused (showing today) is refused there again,
 * with its banner (`readDay`). The day's list is live: its event
 * stream re-renders it after every change to the clinic's appointments (Postgres NOTIFY from triggers,
 * whichever process or path made the change).
 */
import { staffPageUrl } from './staffPageUrl.js';
import { workflowRunUrl } from './temporalLinks.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { getAppointment, listAppointments, type Appointment } from '../appointments/appointments.js';
import { bookAppointment } from '../appointments/bookAppointment.js';
import { changeAppointment, staffChanges, type StaffChange } from '../appointments/changeAppointment.js';
import { findCallBacks } from '../appointments/callBacks.js';
import { listDeliveriesByAppointment } from '../appointments/deliveryAttempts.js';
import { listOfferTextsByAppointment } from '../appointments/offerBookingTexts.js';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import type { AppointmentView, CancelledView } from '../workflows/appointmentDefinitions.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import { LOCAL_DATE_TIME, readClinicLocalTime } from './clinicLocalTime.js';
import { checkIdempotencyKey, newIdempotencyKey, staffUpdateId, ZIdempotencyField } from './idempotencyKey.js';
import type { AppDeps } from './app.js';
import { bookingRequestFor, ZBooking } from './appointments.js';
import { streamClinicChanges } from './liveFragments.js';
import { readForm } from './requestBody.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { ERROR_FOR_PARAM } from './views/cardError.js';
import { NOTICE_FOR_PARAM } from './views/cardNotice.js';
import { ZCalendarDate, ZClinicSlug, parseOrThrow } from './validation.js';
import {
  appointmentCardId,
  BOOKING_LABELS,
  CHANGE_LABELS,
  DAY_LABELS,
  renderAppointmentsDay,
  renderAppointmentsPage,
  type AppointmentLine,
  type AppointmentsView,
  type BookingForm,
} from './views/appointmentsView.js';
import { labelFieldMessage } from './views/fieldLabels.js';

/** Where the page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const APPOINTMENTS_PATH = '/admin/appointments';
/** Longest flash message the page shows from `?notice=` or `?error=` (characters). */
const MAX_FLASH_CHARS = 300;
/** The form fields of a booking, as the JSON API names them. */
const BOOKING_FIELDS = ['patient_name', 'phone', 'starts_at', 'duration_minutes', 'provider', 'service', 'channel', 'language'] as const;
/** Longest part of a refused `?date=` the page repeats (characters). */
const MAX_DATE_ECHO_CHARS = 40;
/** The live list's query parameter naming the `?date=` its page refused (`readDay`). */
const REFUSED_DATE_PARAM = 'refused_date';

const flash = z.string().max(MAX_FLASH_CHARS).optional().catch(undefined);
const ZDay = ZCalendarDate.optional().catch(undefined);
/** The refusal of a kept form sent again with other values than the first time (a 422 in the JSON API). */
const REUSED_FORM =
  'Not done: this form had already sent this change with other values, which may have been done. Check the appointment below, then send the change again.';
/** `<appointment id>~<idempotency key>`: a change to that appointment answered 503, so its forms keep that key for the retry. */
const RETRY = /^([1-9]\d{0,17})~([A-Za-z0-9._:-]{1,100})$/;
const ZAppointmentId = z.string().regex(/^[1-9]\d{0,17}$/, 'must be an appointment id');
const ZClinicQuery = z.object({ clinic: ZClinicSlug });
// The page's `?date=` is read by `readDay`: a day it cannot show is not dropped but named.
const ZPageQuery = ZClinicQuery.extend({
  notice: flash,
  [NOTICE_FOR_PARAM]: ZAppointmentId.optional().catch(undefined),
  error: flash,
  [ERROR_FOR_PARAM]: ZAppointmentId.optional().catch(undefined),
  retry: z.string().regex(RETRY).optional().catch(undefined),
});
/** The live list's query: the day shown, and the address's `?date=` the page refused (which its forms carry back). */
const ZEventsQuery = ZClinicQuery.extend({
  date: ZDay,
  [REFUSED_DATE_PARAM]: z
    .string()
    .max(MAX_DATE_ECHO_CHARS)
    .refine((text) => refuseDate(text) !== undefined)
    .optional()
    .catch(undefined),
});
const ZAction = z.enum(['remind', 'visited', 'no_show', 'cancel', 'move'], { error: 'must be remind, visited, no_show, cancel or move' });
// An empty date input is no follow-up.
const ZVisitedForm = z.object({
  follow_up_date: z.union([z.literal('').transform(() => undefined), ZCalendarDate]).optional(),
});
// The JSON API's rule for a new start (in the future), applied to the form's time once read in the clinic's zone.
const ZMoveTo = z.object({ starts_at: ZBooking.shape.starts_at });
const ZMoveForm = z.object({ starts_at: z.string({ error: 'must be a date and time' }).regex(LOCAL_DATE_TIME, 'must be a date and time') });

/** The page's URL for clinic `slug` with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function pageUrl(slug: string, path = '', params: Partial<Record<string, string>> = {}): string {
  return staffPageUrl(APPOINTMENTS_PATH, slug, path, params);
}

/** The page's URL for clinic `slug` with `params` and `notice` shown in appointment `id`'s card, opened at that card (cardNotice.ts). */
function noticeUrl(slug: string, params: Partial<Record<string, string>>, notice: string, id: string): string {
  return `${pageUrl(slug, '', { ...params, notice: notice.slice(0, MAX_FLASH_CHARS), [NOTICE_FOR_PARAM]: id })}#${appointmentCardId(id)}`;
}

/** Today in `clinic`'s time zone, `YYYY-MM-DD`. */
const clinicToday = (clinic: Clinic) => DateTime.now().setZone(clinic.timezone).toISODate()!;

/** A patient's first name: the first word of the name staff typed (the page never shows more). */
const firstName = (a: Appointment) => a.patientName.trim().split(/\s+/)[0] ?? '';

/** Short words for a flash message about `a`: "Rahul's 10:30 AM appointment". */
function describe(a: Appointment, clinic: Clinic): string {
  return `${firstName(a)}'s ${DateTime.fromJSDate(a.startsAt).setZone(clinic.timezone).setLocale('en-US').toLocaleString(DateTime.TIME_SIMPLE)} appointment`;
}

/** The cards of clinic `clinic`'s day `date`: a fixed number of queries however many appointments it has. */
async function loadDay(deps: AppDeps, clinic: Clinic, date: string): Promise<AppointmentLine[]> {
  const appointments = await listAppointments(deps.sql, clinic.id, { date, timezone: clinic.timezone });
  const ids = appointments.map((a) => a.id);
  const [callBacks, deliveries, offerTexts] = await Promise.all([
    findCallBacks(deps.sql, appointments),
    listDeliveriesByAppointment(deps.sql, ids),
    listOfferTextsByAppointment(deps.sql, ids),
  ]);
  return appointments.map((appointment) => {
    const latest = deliveries.get(appointment.id)?.at(-1);
    const attempt = latest?.attempts.at(-1);
    const own =
      latest === undefined || attempt === undefined
        ? null
        : { kind: latest.kind, channel: attempt.channel, status: attempt.status, errorCode: attempt.errorCode, at: attempt.at };
    // A visit booked from a waitlist offer: the offer and its confirmation were texted before any message of its own.
    const offer = offerTexts.get(appointment.id) ?? null;
    const last = own === null || (offer !== null && offer.at > own.at) ? offer : own;
    return {
      appointment,
      firstName: firstName(appointment),
      callBack: callBacks.get(appointment.id) ?? null,
      lastDelivery: last === null ? null : { kind: last.kind, channel: last.channel, status: last.status, errorCode: last.errorCode },
      workflowUrl: workflowRunUrl({ url: deps.temporalUiUrl, namespace: deps.temporalNamespace ?? 'default' }, appointment.workflowId),
    };
  });
}

type ViewExtra = Pick<AppointmentsView, 'dateError' | 'notice' | 'noticeFor' | 'error' | 'errorFor' | 'booking'> & {
  retry?: string | undefined;
  /** The address's `?date=` the page refused (see `readDay`): its forms carry it back as their `?date=`. */
  refusedDate?: string | undefined;
};

/**
 * Why `requested` (the address's `?date=`, as given) is no day the page can show, in the day picker's
 * words and naming it (`Day: must be a date YYYY-MM-DD, not “2026-02-30”. Showing today.`); undefined for
 * a day it can show, or none asked for.
 */
function refuseDate(requested: string | undefined): string | undefined {
  if (requested === undefined || requested === '') return undefined;
  try {
    parseOrThrow(z.object({ date: ZCalendarDate }), { date: requested });
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return `${labelFieldMessage(error.message, error.field, DAY_LABELS)}, not “${requested.slice(0, MAX_DATE_ECHO_CHARS)}”. Showing today.`;
  }
}

/**
 * The address's `?date=` (`requested`, as given) as the page and its form posts read it: `date`, the
 * day to show (undefined: today), and for a day it cannot show, `dateError` (the banner, `refuseDate`)
 * and `refusedDate`, the text cut to `MAX_DATE_ECHO_CHARS` (still refused, with the same banner). The
 * page's forms carry `refusedDate` back as their `?date=` and a post returns to it, so the page a
 * change leads back to still says why it shows today.
 */
function readDay(requested: string | undefined): { date: string | undefined; dateError: string | undefined; refusedDate: string | undefined } {
  if (requested === undefined || requested === '') return { date: undefined, dateError: undefined, refusedDate: undefined };
  const dateError = refuseDate(requested);
  return dateError === undefined
    ? { date: requested, dateError, refusedDate: undefined }
    : { date: undefined, dateError, refusedDate: requested.slice(0, MAX_DATE_ECHO_CHARS) };
}

/**
 * The page's view of clinic `slug`'s day `date` (default today); `extra` is the outcome of a form post,
 * `retry` (`<id>~<key>`) the idempotency key the forms of appointment `<id>` keep and `refusedDate` the
 * `?date=` the forms carry instead of `date` (a day the page refused: `readDay`).
 */
async function loadView(deps: AppDeps, slug: string, date: string | undefined, { retry, refusedDate, ...extra }: ViewExtra = {}) {
  const [, retryId, retryKey] = RETRY.exec(retry ?? '') ?? [];
  const clinic = await getClinicBySlug(deps.sql, slug);
  const today = clinicToday(clinic);
  const day = date ?? today;
  const lines = await loadDay(deps, clinic, day);
  const shift = (days: number) => DateTime.fromISO(day).plus({ days }).toISODate()!;
  const view: AppointmentsView = {
    clinic,
    date: day,
    today,
    lines,
    showPhone: deps.consoleTelephone !== undefined,
    now: new Date(),
    urls: {
      page: APPOINTMENTS_PATH,
      previous: pageUrl(slug, '', { date: shift(-1) }),
      next: pageUrl(slug, '', { date: shift(1) }),
      today: pageUrl(slug),
      book: pageUrl(slug, '', { date: refusedDate ?? date }),
      // The day shown, named: a page left open past midnight keeps its day. The live list's forms carry
      // the refused day on, as the page's own do.
      events: pageUrl(slug, '/events', { date: day, [REFUSED_DATE_PARAM]: refusedDate }),
      action: (id, action) => pageUrl(slug, `/${id}/${action}`, { date: refusedDate ?? date }),
    },
    formKey: (id) => (id === retryId && retryKey !== undefined ? retryKey : newIdempotencyKey()),
    refusedDate,
    ...extra,
  };
  return view;
}

/**
 * Routes relative to `/admin/appointments`: `GET /` (the day's page), `GET /events` (its live list),
 * `POST /` (book), and `POST /:id/{remind,visited,no_show,cancel,move}`. The caller applies the CSRF
 * check.
 */
export function staffAppointmentRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  const page = requireStaffSession(sessions, { redirect: true });

  const renderDay = async (c: Context, slug: string, date: string | undefined, extra: ViewExtra, status: ContentfulStatusCode = 200) => {
    const view = await loadView(deps, slug, date, extra);
    c.header('Cache-Control', 'no-store');
    return c.html(renderAppointmentsPage(view), status);
  };

  // The day's list now and after every change to the clinic's appointments, as `event: appointments`.
  app.get('/events', requireStaffSession(sessions, { redirect: false }), (c) =>
    streamClinicChanges(c, deps, sessions, {
      event: 'appointments',
      query: ZEventsQuery,
      hub: (d) => d.appointmentChanges,
      render: async ({ clinic, date, [REFUSED_DATE_PARAM]: refusedDate }) => renderAppointmentsDay(await loadView(deps, clinic, date, { refusedDate })),
    }),
  );

  // A day the page cannot show (2026-02-30, a year outside 2000–2099) shows today, with a banner naming
  // the day asked for, and answers 400 as the other staff pages answer a query they refuse.
  app.get('/', page, async (c) => {
    const query = parseOrThrow(ZPageQuery, c.req.query());
    const { date, ...asked } = readDay(c.req.query('date'));
    const extra = {
      ...asked,
      notice: query.notice,
      noticeFor: query[NOTICE_FOR_PARAM],
      error: query.error,
      errorFor: query[ERROR_FOR_PARAM],
      retry: query.retry,
    };
    return renderDay(c, query.clinic, date, extra, asked.dateError === undefined ? 200 : STATUS_BY_CODE.bad_request);
  });

  // Book: a bad field re-shows the form with what was typed and the error beside that field.
  app.post('/', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const { date, ...asked } = readDay(c.req.query('date'));
    const clinic = await getClinicBySlug(deps.sql, slug);
    const form = await readForm(c);
    const values = Object.fromEntries(BOOKING_FIELDS.map((field) => [field, typeof form[field] === 'string' ? form[field] : ''])) as BookingForm['values'];
    try {
      const at = readClinicLocalTime(values.starts_at, clinic.timezone, 'starts_at');
      const body = parseOrThrow(ZBooking, {
        patient_name: values.patient_name,
        phone: values.phone,
        starts_at: at.toISO(),
        // An empty or non-numeric field stays text, so zod names it instead of reading 0.
        duration_minutes: /^\d+$/.test(values.duration_minutes) ? Number(values.duration_minutes) : values.duration_minutes,
        provider: values.provider,
        service: values.service,
        channel: values.channel,
        language: values.language === '' ? undefined : values.language,
      });
      const booked = await bookAppointment(deps, clinic, bookingRequestFor(clinic, body));
      const start = DateTime.fromJSDate(booked.startsAt).setZone(clinic.timezone).setLocale('en-US');
      // The day as the page's heading writes it, not as its address carries it.
      const notice = `Booked ${describe(booked, clinic)} on ${start.toLocaleString(DateTime.DATE_HUGE)}.`;
      return c.redirect(noticeUrl(slug, { date: start.toISODate()! }, notice, booked.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message = labelFieldMessage(error.message, error.field, BOOKING_LABELS);
      return renderDay(c, slug, date, { ...asked, booking: { values, error: { message, field: error.field } } }, STATUS_BY_CODE[error.code]);
    }
  });

  // A staff change: 303 back to the day with what happened (in that appointment's card, the page opened at
  // it: `?notice_for=<id>#appointment-<id>`), or why the chain refused it (in that card: `?error_for=<id>`). The form's
  // idempotency key is the change's update ID; after a 503 the page keeps it, so pressing again
  // reaches the change Temporal may already hold instead of doing it twice.
  app.post('/:id/:action', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    // Back to the address the form was on: a day the page refused is refused again there, with its banner.
    const { date, refusedDate } = readDay(c.req.query('date'));
    const back = (flash: { error: string; [ERROR_FOR_PARAM]?: string; retry?: string }) =>
      c.redirect(pageUrl(slug, '', { date: refusedDate ?? date, ...flash }), 303);
    let key: string | undefined;
    let id: string | undefined;
    try {
      const clinic = await getClinicBySlug(deps.sql, slug);
      id = parseOrThrow(ZAppointmentId, c.req.param('id'));
      const action = parseOrThrow(ZAction, c.req.param('action'));
      const form = await readForm(c);
      key = ZIdempotencyField.parse(form).idempotency_key;
      const updateId = staffUpdateId(action, key);
      const appointment = await getAppointment(deps.sql, clinic.id, id);
      const who = describe(appointment, clinic);
      let change: StaffChange<AppointmentView | CancelledView>;
      let outcome: string;
      if (action === 'move') {
        const local = parseOrThrow(ZMoveForm, form).starts_at;
        const to = readClinicLocalTime(local, clinic.timezone, 'starts_at');
        change = staffChanges.move(appointment, parseOrThrow(ZMoveTo, { starts_at: to.toISO() }).starts_at, updateId);
        outcome = `Moved ${who} to ${to.setLocale('en-US').toLocaleString(DateTime.DATETIME_MED)}.`;
      } else if (action === 'visited') {
        const followUp = parseOrThrow(ZVisitedForm, form).follow_up_date;
        change = staffChanges.visited(appointment, followUp, updateId);
        outcome = `Marked ${who} visited${followUp === undefined ? '' : `, follow-up on ${followUp}`}.`;
      } else if (action === 'remind') {
        change = staffChanges.remind(appointment, updateId);
        outcome = `Reminder asked for ${who}: it goes now, or when contact hours open.`;
      } else if (action === 'no_show') {
        change = staffChanges.noShow(appointment, updateId);
        outcome = `Marked ${who} a no-show.`;
      } else {
        change = staffChanges.cancel(appointment, updateId);
        outcome = `Cancelled ${who}; the patient is told.`;
      }
      await checkIdempotencyKey(deps.sql, clinic.id, action, key, { target: `appointments/${appointment.id}`, arguments: change.arguments });
      const view = await changeAppointment(deps, appointment, change.what, change.send, change.field);
      // Cancelled before its booking confirmation went (held until contact hours open): nothing is texted.
      if ('patientTexted' in view && !view.patientTexted) outcome = `Cancelled ${who}; no text goes: the patient had not been texted about this booking yet.`;
      return c.redirect(noticeUrl(slug, { date: refusedDate ?? date }, outcome, appointment.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The form kept after a 503 was sent again with other values: the first one may have been done. The
      // page it leads back to shows where the appointment stands, with fresh forms.
      if (error.code === 'unprocessable_content') return back({ error: REUSED_FORM });
      const unknownOutcome = error.code === 'unavailable' && id !== undefined && key !== undefined;
      return back({
        error: labelFieldMessage(error.message, error.field, CHANGE_LABELS).slice(0, MAX_FLASH_CHARS),
        [ERROR_FOR_PARAM]: id,
        ...(unknownOutcome ? { retry: `${id}~${key}` } : {}),
      });
    }
  });

  return app;
}
