/**
 * The clinic's settings in the JSON API: `GET` / `PATCH /api/clinic` (every setting; a change in part),
 * and `PUT /api/clinic/rooms` (how many rooms are open). The templates are in clinicTemplates.ts.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { isSupportedCountry, isValidPhoneNumber } from 'libphonenumber-js';
import { IANAZone } from 'luxon';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug, MAX_ROOMS_OPEN, MIN_ROOMS_OPEN } from '../clinics/clinics.js';
import { getClinicSettings, updateClinicSettings, type ClinicSettings, type ClinicSettingsPatch } from '../clinics/clinicSettings.js';
import { setRoomsOpen } from '../clinics/setRoomsOpen.js';
import { ZClockTime } from '../domain/clockTime.js';
import { ZLanguage } from '../domain/languages.js';
import { ZReminderRules } from '../domain/reminderRules.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicQuery, requireJsonBody, unknownField } from './validation.js';

const ROOMS_MESSAGE = `must be a whole number from ${MIN_ROOMS_OPEN} to ${MAX_ROOMS_OPEN}`;

const ZRoomsOpen = z.int({ error: ROOMS_MESSAGE }).min(MIN_ROOMS_OPEN, ROOMS_MESSAGE).max(MAX_ROOMS_OPEN, ROOMS_MESSAGE);

/** Staff's request to set the rooms open. */
export const ZRoomsBody = z
  .strictObject({ rooms_open: ZRoomsOpen.meta({ description: 'How many rooms see patients now.', example: 2 }) }, { error: unknownField })
  .openapi('RoomsRequest');

/** The clinic's rooms open, as `PUT /api/clinic/rooms` answers. */
export const ZRooms = z.object({ clinic: z.string().meta({ example: 'main' }), rooms_open: z.int().meta({ example: 2 }) }).openapi('Rooms');

/** The board's form post: the same number, sent as form text (`rooms_open=2`). */
export const ZRoomsForm = z.object({
  rooms_open: z
    .string({ error: ROOMS_MESSAGE })
    .regex(/^\d{1,3}$/, ROOMS_MESSAGE)
    .transform(Number)
    .pipe(ZRoomsOpen),
});

const putRooms = createRoute({
  method: 'put',
  path: '/clinic/rooms',
  operationId: 'setRoomsOpen',
  summary: 'Set how many rooms are open',
  description: 'Every ETA follows at once, and every open board updates.',
  tags: ['Clinic'],
  middleware: [requireJsonBody],
  request: {
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZRoomsBody } } },
  },
  responses: {
    200: { description: 'The rooms open now.', content: { 'application/json': { schema: ZRooms } } },
    ...staffErrors({
      400: `\`bad_request\` naming \`rooms_open\` (missing, not a whole number, not ${MIN_ROOMS_OPEN}–${MAX_ROOMS_OPEN}), \`clinic\`, or \`body\` when it is not JSON.`,
      404: '`not_found`: no such clinic (`field: "clinic"`).',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

const REMINDER_MINUTES_MESSAGE = 'must be a whole number of minutes from 1 to 120';
const SLOT_MINUTES_MESSAGE = 'must be a whole number of minutes from 5 to 480';
const CALL_RETRY_MESSAGE = 'must be a whole number of minutes from 5 to 1440';
const WEEKDAYS_MESSAGE = 'must be a list of 1 to 7 ISO weekdays, 1 (Monday) to 7 (Sunday)';
const COUNTRY_MESSAGE = 'must be a two-letter country code with phone numbers, such as US or IN';
const OFFICE_PHONE_MESSAGE = 'must be an E.164 number such as +13125550142, or null';

const TIMEZONE_MESSAGE = 'must be an IANA time zone such as America/Chicago';

/** A whole number from `min` to `max`, with a message saying so. */
const wholeNumber = (min: number, max: number, unit: string) => {
  const message = `must be a whole number${unit === '' ? '' : ` of ${unit}`} from ${min} to ${max}`;
  return z.int({ error: message }).min(min, message).max(max, message);
};
const ZCountry = z.string({ error: COUNTRY_MESSAGE }).refine((country) => /^[A-Z]{2}$/.test(country) && isSupportedCountry(country), COUNTRY_MESSAGE);
const INBOUND_COUNTRIES_MESSAGE = 'must be a list of 1 to 250 two-letter country codes with phone numbers, such as ["US", "CA"], or null';
const ZInboundCountries = z.array(ZCountry, { error: INBOUND_COUNTRIES_MESSAGE }).min(1, INBOUND_COUNTRIES_MESSAGE).max(250, INBOUND_COUNTRIES_MESSAGE);
const INBOUND_COUNTRIES_DESCRIPTION =
  "Countries whose numbers get replies to their texts (SMS pumping guard): a text from any other country's number is logged and counted (`GET /api/metrics/inbound`), never answered; opt-outs are still recorded. Default: the clinic's `default_country` only";

const RETENTION_MESSAGE = 'must be a whole number of days from 7 to 3650';

const clockTime = (description: string, example: string) => ZClockTime.meta({ description: `${description} (\`HH:MM\`, clinic time).`, example });

/** The settings staff may change, as the API names them; each is checked on its own here, the pairs together in `updateClinicSettings`. */
const settingFields = {
  timezone: z
    .string({ error: TIMEZONE_MESSAGE })
    .refine((zone) => IANAZone.isValidZone(zone), TIMEZONE_MESSAGE)
    .meta({
      description:
        'IANA time zone; every time of day here is local to it. A change applies to tickets and appointments from then on (a chain already booked keeps its zone).',
      example: 'America/Chicago',
    }),
  closing_time: clockTime('When the walk-in line closes each day; a ticket keeps the closing time it joined with', '20:00'),
  next_reminder_minutes: z
    .int({ error: REMINDER_MINUTES_MESSAGE })
    .min(1, REMINDER_MINUTES_MESSAGE)
    .max(120, REMINDER_MINUTES_MESSAGE)
    .meta({ description: 'Minutes a called ticket waits before its "we are calling you" reminder.', example: 5 }),
  office_phone: z
    .string({ error: OFFICE_PHONE_MESSAGE })
    .refine((phone) => /^\+[1-9]\d{6,14}$/.test(phone) && isValidPhoneNumber(phone), OFFICE_PHONE_MESSAGE)
    .nullable()
    .meta({ description: "The number patients call (`{office_phone}`); null: the clinic's SMS number stands in.", example: '+13125550142' }),
  contact_hours_start: clockTime('No business-initiated message goes out before this time; replies to a patient always go at once', '08:00'),
  contact_hours_end: clockTime('… nor from this time on; after `contact_hours_start`', '20:00'),
  office_days: z
    .array(z.int({ error: WEEKDAYS_MESSAGE }).min(1, WEEKDAYS_MESSAGE).max(7, WEEKDAYS_MESSAGE), { error: WEEKDAYS_MESSAGE })
    .min(1, WEEKDAYS_MESSAGE)
    .max(7, WEEKDAYS_MESSAGE)
    .meta({ description: 'Days the office takes appointments, ISO weekdays (1 Monday … 7 Sunday); stored ascending.', example: [1, 2, 3, 4, 5] }),
  office_opens: clockTime('Office hours start: the first open slot offered for rescheduling', '09:00'),
  office_closes: clockTime('Office hours end: no slot runs past it; after `office_opens`', '17:00'),
  slot_minutes: z
    .int({ error: SLOT_MINUTES_MESSAGE })
    .min(5, SLOT_MINUTES_MESSAGE)
    .max(480, SLOT_MINUTES_MESSAGE)
    .meta({ description: 'Length of an open slot offered for rescheduling, in minutes.', example: 60 }),
  default_language: ZLanguage.meta({
    description: 'Language of patients who have not chosen one (`en`, `es`, or any tag the clinic has templates in).',
    example: 'en',
  }),
  default_country: ZCountry.meta({
    description: 'The country local phone numbers are read in, as staff book appointments (`9876543210` at `IN` is +919876543210).',
    example: 'US',
  }),
  cancel_is_opt_out: z.boolean({ error: 'must be true or false' }).meta({
    description:
      "Whether the clinic's number keeps Twilio's default opt-out words, CANCEL among them: true (Twilio's default), a bare CANCEL also opts the patient out and gets no reply.",
    example: true,
  }),
  reminder_rules: ZReminderRules.meta({
    description:
      'When reminders go out: `{"kind":"before","minutes":1440}` (minutes before the start) or `{"kind":"day_before_at","time":"10:00"}` (clinic time, the day before). At most 10; empty: no reminders.',
    example: [
      { kind: 'before', minutes: 1440 },
      { kind: 'before', minutes: 60 },
    ],
  }),
  call_retry_minutes: z.int({ error: CALL_RETRY_MESSAGE }).min(5, CALL_RETRY_MESSAGE).max(1440, CALL_RETRY_MESSAGE).meta({
    description:
      'Minutes before a reminder call that was busy, not answered or failed is placed once more (inside contact hours); after it, the reminder goes by SMS.',
    example: 30,
  }),
  offer_batch_size: wholeNumber(1, 50, '').meta({
    description: 'Waitlist patients offered a freed slot at once; an offer that fails or is declined is replaced. BATCH_SIZE sets it at start.',
    example: 3,
  }),
  offer_hold_minutes: wholeNumber(1, 240, 'minutes').meta({
    description: 'Minutes an offer holds; then the pending offers expire and the next batch goes out. HOLD_MINUTES sets it at start.',
    example: 7,
  }),
  max_offers_per_day: wholeNumber(1, 50, '').meta({
    description: 'Offers a patient may get in one clinic day (any slot): no patient is pestered. MAX_OFFERS_PER_DAY sets it at start.',
    example: 3,
  }),
  offer_lead_minutes: wholeNumber(0, 1440, 'minutes').meta({
    description: 'A slot that starts within this many minutes is no longer offered: its cancellation ends `expired`.',
    example: 60,
  }),
  retention_days: z.int({ error: RETENTION_MESSAGE }).min(7, RETENTION_MESSAGE).max(3650, RETENTION_MESSAGE).meta({
    description:
      "Days message bodies and patients' phone numbers are kept: older ones are purged within the hour by the retention schedule (bodies emptied, numbers masked to their last four digits, in the message and call logs and closed tickets).",
    example: 90,
  }),
  inbound_countries: ZInboundCountries.nullable().meta({
    description: `${INBOUND_COUNTRIES_DESCRIPTION}; null sets it back to that default (which then follows \`default_country\`). Stored sorted, each once.`,
    example: ['US', 'CA'],
  }),
};

/** Every setting of a clinic, as `GET` and `PATCH /api/clinic` answer. */
export const ZClinicSettings = z
  .object({
    clinic: z.string().meta({ example: 'main' }),
    name: z.string().meta({ description: 'Set from CLINIC_NAME for the `main` clinic.', example: 'Frontdesk Clinic' }),
    rooms_open: z.int().meta({ description: 'Set with `PUT /api/clinic/rooms`.', example: 1 }),
    ...settingFields,
    inbound_countries: ZInboundCountries.meta({ description: `${INBOUND_COUNTRIES_DESCRIPTION}.`, example: ['US'] }),
  })
  .openapi('ClinicSettings');

/** A change to some settings: only the fields given change. */
export const ZClinicSettingsPatch = z
  .strictObject(
    Object.fromEntries(Object.entries(settingFields).map(([name, schema]) => [name, schema.optional()])) as {
      [K in keyof typeof settingFields]: z.ZodOptional<(typeof settingFields)[K]>;
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a setting that can be changed here' : undefined) },
  )
  .openapi('ClinicSettingsPatch');

function settingsJson(s: ClinicSettings): z.infer<typeof ZClinicSettings> {
  return {
    clinic: s.slug,
    name: s.name,
    timezone: s.timezone,
    rooms_open: s.roomsOpen,
    closing_time: s.closingTime,
    next_reminder_minutes: s.nextReminderMinutes,
    office_phone: s.officePhone,
    contact_hours_start: s.contactHoursStart,
    contact_hours_end: s.contactHoursEnd,
    office_days: s.officeDays,
    office_opens: s.officeOpens,
    office_closes: s.officeCloses,
    slot_minutes: s.slotMinutes,
    default_language: s.defaultLanguage,
    default_country: s.defaultCountry,
    cancel_is_opt_out: s.cancelIsOptOut,
    reminder_rules: s.reminderRules,
    call_retry_minutes: s.callRetryMinutes,
    offer_batch_size: s.offerBatchSize,
    offer_hold_minutes: s.offerHoldMinutes,
    max_offers_per_day: s.maxOffersPerDay,
    offer_lead_minutes: s.offerLeadMinutes,
    inbound_countries: s.inboundCountries,
    retention_days: s.retentionDays,
  };
}

/** The JSON API's (and the board's) settings change, as `updateClinicSettings` takes it. */
export function settingsPatch(body: z.infer<typeof ZClinicSettingsPatch>): ClinicSettingsPatch {
  return {
    timezone: body.timezone,
    closingTime: body.closing_time,
    nextReminderMinutes: body.next_reminder_minutes,
    officePhone: body.office_phone,
    contactHoursStart: body.contact_hours_start,
    contactHoursEnd: body.contact_hours_end,
    officeDays: body.office_days,
    officeOpens: body.office_opens,
    officeCloses: body.office_closes,
    slotMinutes: body.slot_minutes,
    defaultLanguage: body.default_language,
    defaultCountry: body.default_country,
    cancelIsOptOut: body.cancel_is_opt_out,
    reminderRules: body.reminder_rules,
    callRetryMinutes: body.call_retry_minutes,
    offerBatchSize: body.offer_batch_size,
    offerHoldMinutes: body.offer_hold_minutes,
    maxOffersPerDay: body.max_offers_per_day,
    offerLeadMinutes: body.offer_lead_minutes,
    inboundCountries: body.inbound_countries,
    retentionDays: body.retention_days,
  };
}

const getSettings = createRoute({
  method: 'get',
  path: '/clinic',
  operationId: 'getClinicSettings',
  summary: "The clinic's settings",
  tags: ['Clinic'],
  request: { query: ZClinicQuery },
  responses: {
    200: { description: 'Every setting.', content: { 'application/json': { schema: ZClinicSettings } } },
    ...staffErrors({ 400: '`bad_request`: `clinic` is not a slug.', 404: '`not_found`: no such clinic (`field: "clinic"`).' }),
  },
});

const patchSettings = createRoute({
  method: 'patch',
  path: '/clinic',
  operationId: 'updateClinicSettings',
  summary: "Change some of the clinic's settings",
  description:
    'Only the fields given change; all or nothing. Contact hours and office hours must start before they end, checked with the stored values. Rooms open are set with `PUT /api/clinic/rooms`; for the `main` clinic, CLINIC_TIMEZONE and CONTACT_HOURS_START / CONTACT_HOURS_END, when set, apply again at each start.',
  tags: ['Clinic'],
  middleware: [requireJsonBody],
  request: {
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZClinicSettingsPatch } } },
  },
  responses: {
    200: { description: 'Every setting after the change.', content: { 'application/json': { schema: ZClinicSettings } } },
    ...staffErrors({
      400: '`bad_request` naming the setting at fault (a bad value, a field that is not a setting, hours that end before they start), `clinic`, or `body` when it is not JSON; nothing changed.',
      404: '`not_found`: no such clinic (`field: "clinic"`).',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

/** Routes under `/api` for the clinic's settings. `?clinic=<slug>` picks a clinic (default `main`). */
export function clinicRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();

  app.openapi(getSettings, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    return c.json(settingsJson(await getClinicSettings(deps.sql, clinic.id)), 200);
  });

  app.openapi(patchSettings, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    return c.json(settingsJson(await updateClinicSettings(deps.sql, clinic.id, settingsPatch(c.req.valid('json')))), 200);
  });

  app.openapi(putRooms, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { rooms_open } = c.req.valid('json');
    await setRoomsOpen(deps.sql, clinic.id, rooms_open);
    return c.json({ clinic: clinic.slug, rooms_open }, 200);
  });

  return app;
}
