/**
 * The waitlist in the JSON API: `POST /api/waitlist` (put a patient on it), `GET /api/waitlist` (the
 * active entries ranked by priority, each with its score and the score's parts, a page at a time), `PATCH
 * /api/waitlist/{id}` and `DELETE /api/waitlist/{id}` (takes the entry off: it turns inactive and keeps
 * its row for the offers that refer to it). The priority rule is issue 10's ("Priority", in
 * src/domain/waitlistPriority.ts). Phones are shown in full (E.164), as the appointment list shows them.
 * `?clinic=<slug>` as everywhere in `/api`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { CountryCode } from 'libphonenumber-js';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { setPatientLanguage } from '../clinics/patientLanguages.js';
import type { Sql } from '../db/sql.js';
import { ZLanguage } from '../domain/languages.js';
import { parseAddress } from '../domain/phone.js';
import { MAX_MANUAL_BOOST, MAX_SCORE, waitlistPriority, type Priority } from '../domain/waitlistPriority.js';
import { AppError } from '../errors.js';
import {
  addWaitlistEntry,
  endWaitlistEntry,
  listActiveWaitlist,
  OFFER_CHANNELS,
  PROVIDER_TYPE_PREFERENCES,
  updateWaitlistEntry,
  type WaitlistEntry,
  type WaitlistKey,
} from '../waitlist/waitlistEntries.js';
import { createApiRouter, staffErrors } from './openapi.js';
import {
  encodeCursor,
  linkNextPage,
  MAX_PAGE_LIMIT,
  NEXT_PAGE_HEADERS,
  ZKeyId,
  ZKeyInstant,
  ZNextCursor,
  ZPageCursor,
  ZPagedQuery,
  ZPageLimit,
} from './pageCursor.js';
import { ZClinicQuery, ZClinicSlug, ZFreeText, ZInstant, ZProviderId, requireJsonBody, unknownField } from './validation.js';

const MAX_NAME = 100;
const MAX_NOTES = 500;
const MAX_PROVIDERS = 20;
const BOOST_MESSAGE = `must be a whole number from 0 to ${MAX_MANUAL_BOOST}`;

/** The fields of an entry as staff send them (each optional here; `phone` is required on `POST`). */
const entryFields = {
  phone: z
    .string({ error: 'must be a phone number' })
    .trim()
    .min(1, 'must be a phone number')
    .max(40, 'must be a phone number')
    .meta({ description: "E.164, or a local number read in the clinic's `default_country`; stored E.164.", example: '+13125550142' }),
  channel: z.enum(OFFER_CHANNELS, { error: 'must be sms or whatsapp' }).meta({
    description:
      "The channel the patient's waitlist offers go on (kept for the patient; new patients: sms). WhatsApp outside the 24-hour window needs the clinic's approved template for the kind, else the offer goes by SMS.",
    example: 'sms',
  }),
  language: ZLanguage.meta({
    description: "The patient's language for offers (`en`, `es`, …), kept for the number as a booking's is; absent: the one they chose, else the clinic's.",
    example: 'es',
  }),
  display_name: ZFreeText(MAX_NAME).meta({
    description: `The patient's name (at most ${MAX_NAME} characters, control characters removed); kept for the number.`,
    example: 'Rahul Sharma',
  }),
  provider_ids: z
    .array(ZProviderId, {
      error: 'must be a list of provider ids',
    })
    .max(MAX_PROVIDERS, `must list at most ${MAX_PROVIDERS} providers`)
    .meta({ description: 'Preferred providers of the clinic (ids from `GET /api/providers`); empty: any provider of `provider_type`.', example: [3] }),
  provider_type: z
    .enum(PROVIDER_TYPE_PREFERENCES, { error: 'must be MD/DO, APP or Any' })
    .meta({ description: 'Which type of provider the patient will see.', example: 'Any' }),
  current_appt_at: ZInstant.meta({
    description: "The patient's current appointment: ISO 8601 with its offset (or Z). The further away, the higher the priority.",
    example: '2026-12-01T10:30:00-06:00',
  }),
  urgent: z.boolean({ error: 'must be true or false' }).meta({ description: 'Urgent: 30 points.', example: false }),
  manual_boost: z
    .int({ error: BOOST_MESSAGE })
    .min(0, BOOST_MESSAGE)
    .max(MAX_MANUAL_BOOST, BOOST_MESSAGE)
    .meta({ description: `Points staff add, 0–${MAX_MANUAL_BOOST}.`, example: 10 }),
  notes: ZFreeText(MAX_NOTES).meta({ description: `Staff notes, at most ${MAX_NOTES} characters (control characters removed).`, example: 'Prefers mornings' }),
  joined_at: ZInstant.refine((at) => at.getTime() <= Date.now(), 'must not be in the future').meta({
    description: 'When the patient joined the waitlist, for imports: ISO 8601 with its offset (or Z). Default: now.',
    example: '2026-01-05T09:00:00Z',
  }),
};

/** A new entry as staff send it (the JSON API's body; the Waitlist page's form is read into it). */
export const ZNewEntry = z
  .strictObject(
    {
      phone: entryFields.phone,
      display_name: entryFields.display_name.optional(),
      channel: entryFields.channel.optional(),
      language: entryFields.language.optional(),
      provider_ids: entryFields.provider_ids.default([]),
      provider_type: entryFields.provider_type.default('Any'),
      current_appt_at: entryFields.current_appt_at.optional(),
      urgent: entryFields.urgent.default(false),
      manual_boost: entryFields.manual_boost.default(0),
      notes: entryFields.notes.optional(),
      joined_at: entryFields.joined_at.optional(),
    },
    { error: unknownField },
  )
  .openapi('NewWaitlistEntry');

/** A change to an entry: only the fields given change; null clears `display_name`, `current_appt_at` or `notes`. */
export const ZEntryPatch = z
  .strictObject(
    {
      phone: entryFields.phone.optional(),
      display_name: entryFields.display_name.nullable().optional(),
      channel: entryFields.channel.optional(),
      language: entryFields.language.optional(),
      provider_ids: entryFields.provider_ids.optional(),
      provider_type: entryFields.provider_type.optional(),
      current_appt_at: entryFields.current_appt_at.nullable().optional(),
      urgent: entryFields.urgent.optional(),
      manual_boost: entryFields.manual_boost.optional(),
      notes: entryFields.notes.nullable().optional(),
      joined_at: entryFields.joined_at.optional(),
      active: z
        .boolean({ error: 'must be true or false' })
        .optional()
        .meta({ description: 'false takes the entry off the waitlist (as `DELETE`); true puts it back.', example: true }),
    },
    { error: unknownField },
  )
  .openapi('WaitlistEntryPatch');

/** An entry as the API answers it, with its priority now. Instants ISO 8601 UTC. */
export const ZWaitlistEntry = z
  .object({
    id: z.string().meta({ example: '12' }),
    phone: z.string().meta({ description: 'E.164, in full as in the appointment list.', example: '+13125550142' }),
    display_name: z.string().nullable().meta({ example: 'Rahul Sharma' }),
    channel: z.enum(OFFER_CHANNELS).meta({ example: 'sms' }),
    provider_ids: z.array(z.int()).meta({ example: [3] }),
    provider_type: z.enum(PROVIDER_TYPE_PREFERENCES).meta({ example: 'Any' }),
    current_appt_at: z.string().nullable().meta({ example: '2026-12-01T16:30:00.000Z' }),
    urgent: z.boolean(),
    manual_boost: z.int().meta({ example: 10 }),
    notes: z.string().nullable().meta({ example: 'Prefers mornings' }),
    joined_at: z.string().meta({ example: '2026-01-05T09:00:00.000Z' }),
    active: z.boolean(),
    score: z.int().meta({ description: 'The priority now (issue 10, "Priority"): the sum of `score_parts`.', example: 52 }),
    score_parts: z
      .object({
        urgent: z.int().meta({ description: '30 when urgent, else 0.', example: 30 }),
        manual_boost: z.int().meta({ description: 'The manual boost, 0–40.', example: 10 }),
        appointment_wait: z.int().meta({
          description: 'By how far away the current appointment is, in whole 24-hour days from now: 20 at ≥ 180 days, 10 at ≥ 90, 5 at ≥ 30, else (or none) 0.',
          example: 10,
        }),
        seniority: z.int().meta({ description: '⌊whole days on the waitlist ÷ 30⌋, at most 10.', example: 2 }),
      })
      .meta({ description: 'The parts of `score`, in points.' }),
    created_at: z.string().meta({ example: '2026-01-05T09:00:00.000Z' }),
    updated_at: z.string().meta({ example: '2026-01-05T09:00:00.000Z' }),
  })
  .openapi('WaitlistEntry');

function entryJson(e: WaitlistEntry, priority: Priority): z.infer<typeof ZWaitlistEntry> {
  return {
    id: e.id,
    phone: e.phone,
    display_name: e.displayName,
    channel: e.channel,
    provider_ids: e.providerIds,
    provider_type: e.providerType,
    current_appt_at: e.currentApptAt?.toISOString() ?? null,
    urgent: e.urgent,
    manual_boost: e.manualBoost,
    notes: e.notes,
    joined_at: e.joinedAt.toISOString(),
    active: e.active,
    score: priority.score,
    score_parts: { urgent: priority.urgent, manual_boost: priority.manualBoost, appointment_wait: priority.appointmentWait, seniority: priority.seniority },
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

/** An entry's JSON with its priority at this moment. */
const entryJsonNow = (e: WaitlistEntry) => entryJson(e, waitlistPriority(e, new Date()));

/**
 * `raw` as an E.164 mobile number read in `country`.
 * @throws AppError bad_request naming `phone`.
 */
function phoneFor(raw: string, country: CountryCode): string {
  const phone = parseAddress(raw, country);
  if (phone?.channel !== 'sms') throw new AppError('bad_request', `phone: must be a valid mobile number, E.164 or local to ${country}`, 'phone');
  return phone.phone;
}

/**
 * Puts the patient of `body` (`POST /api/waitlist`'s body, checked) on `clinic`'s waitlist, and keeps
 * their language when given. The JSON API and the Waitlist page both add entries through this.
 * @throws AppError bad_request naming `phone` (not a mobile number) or `provider_ids.<n>`; conflict naming `phone`.
 */
export async function addRequestedEntry(sql: Sql, clinic: Clinic, body: z.infer<typeof ZNewEntry>): Promise<WaitlistEntry> {
  const entry = await addWaitlistEntry(sql, clinic.id, {
    phone: phoneFor(body.phone, clinic.defaultCountry),
    displayName: body.display_name,
    channel: body.channel,
    providerIds: body.provider_ids,
    providerType: body.provider_type,
    currentApptAt: body.current_appt_at ?? null,
    urgent: body.urgent,
    manualBoost: body.manual_boost,
    notes: body.notes ?? null,
    joinedAt: body.joined_at,
  });
  if (body.language !== undefined) await setPatientLanguage(sql, clinic.id, entry.phone, body.language);
  return entry;
}

/**
 * Changes `clinic`'s entry `id` as `body` (`PATCH /api/waitlist/{id}`'s body, checked) asks. The JSON
 * API and the Waitlist page both change entries through this.
 * @throws AppError not_found naming `id`; bad_request naming `phone` or `provider_ids.<n>`; conflict naming `active` or `phone`.
 */
export async function changeRequestedEntry(sql: Sql, clinic: Clinic, id: string, body: z.infer<typeof ZEntryPatch>): Promise<WaitlistEntry> {
  const entry = await updateWaitlistEntry(sql, clinic.id, id, {
    phone: body.phone === undefined ? undefined : phoneFor(body.phone, clinic.defaultCountry),
    displayName: body.display_name,
    channel: body.channel,
    providerIds: body.provider_ids,
    providerType: body.provider_type,
    currentApptAt: body.current_appt_at,
    urgent: body.urgent,
    manualBoost: body.manual_boost,
    notes: body.notes,
    joinedAt: body.joined_at,
    active: body.active,
  });
  if (body.language !== undefined) await setPatientLanguage(sql, clinic.id, entry.phone, body.language);
  return entry;
}

/** The waitlist's name in its cursors. */
const WAITLIST_LIST = 'waitlist';

/**
 * `GET /waitlist`'s query. Its cursor holds the instant the first page was ranked at, with the last
 * entry's place (`WaitlistKey`): scores change with time, so every page of one walk ranks at that instant.
 */
const ZWaitlistQuery = ZPagedQuery(
  WAITLIST_LIST,
  z.object({
    clinic: ZClinicSlug,
    limit: ZPageLimit(MAX_PAGE_LIMIT),
    cursor: ZPageCursor(
      WAITLIST_LIST,
      z
        .tuple([ZKeyInstant(3), z.int().min(0).max(MAX_SCORE), ZKeyInstant(3), ZKeyId])
        .transform(([rankedAt, score, joinedAt, id]) => ({ rankedAt: new Date(rankedAt), after: { score, joinedAt: new Date(joinedAt), id } })),
    ),
  }),
);

/** The `next_cursor` of a page of `query`'s list ranked at `rankedAt` whose last entry is at `next`: null on the last page. */
const waitlistCursor = (query: z.infer<typeof ZWaitlistQuery>, rankedAt: Date, next: WaitlistKey | null) =>
  next === null ? null : encodeCursor(WAITLIST_LIST, query, [rankedAt.toISOString(), next.score, next.joinedAt.toISOString(), next.id]);

const ZEntryPath = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'must be a waitlist entry id')
    .meta({ example: '12' }),
});

const jsonErrors = {
  413: '`payload_too_large`: the body is over the limit.',
  415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
};
const entryResponse = (description: string) => ({ description, content: { 'application/json': { schema: ZWaitlistEntry } } });

/** Routes under `/api` for the waitlist. */
export function waitlistRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/waitlist',
      operationId: 'addWaitlistEntry',
      summary: 'Put a patient on the waitlist',
      description: 'The patient is found by number, or added. A patient has at most one active entry.',
      tags: ['Waitlist'],
      middleware: [requireJsonBody],
      request: { query: ZClinicQuery, body: { required: true, content: { 'application/json': { schema: ZNewEntry } } } },
      responses: {
        201: entryResponse('The entry with its score now.'),
        ...staffErrors({
          400: '`bad_request` naming the field: `phone`, `display_name`, `provider_ids` or `provider_ids.<n>` (not a provider of the clinic, or one made inactive: a change may keep an inactive provider the entry already prefers), `provider_type`, `current_appt_at`, `urgent`, `manual_boost` (0–40), `notes`, `joined_at` (not ISO 8601 with offset, or in the future), a field it does not take, or `body`; nothing is written.',
          404: '`not_found`: no such clinic.',
          409: '`conflict` naming `phone`: the patient already has an active entry.',
          ...jsonErrors,
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      return c.json(entryJsonNow(await addRequestedEntry(deps.sql, clinic, c.req.valid('json'))), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/waitlist',
      operationId: 'listWaitlist',
      summary: 'The active waitlist by priority',
      description:
        'Highest score first, ties by who joined first, then by `id`. score = 30 if urgent + manual boost (0–40) + 20 / 10 / 5 if the current appointment is ≥ 180 / 90 / 30 days away + min(⌊days on the waitlist ÷ 30⌋, 10); days are whole 24-hour days from now. A page at a time: pass `next_cursor` as `cursor` for the next page (also in the `Link` header, `rel="next"`) until it is null, with the same `clinic` (`limit` may change). Every page of one walk is ranked, and its scores computed, at the instant the first page was read, so a score that changes meanwhile cannot move an entry across a page boundary.',
      tags: ['Waitlist'],
      request: { query: ZWaitlistQuery },
      responses: {
        200: {
          description: 'A page of the active entries, each with its score and the parts of it.',
          headers: NEXT_PAGE_HEADERS,
          content: { 'application/json': { schema: z.object({ entries: z.array(ZWaitlistEntry), next_cursor: ZNextCursor }).openapi('Waitlist') } },
        },
        ...staffErrors({
          400: '`bad_request` naming `clinic`, `limit` or `cursor` (not a `next_cursor` of this list, altered, or sent with another `clinic` than its page).',
          404: '`not_found`: no such clinic.',
        }),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const clinic = await getClinicBySlug(deps.sql, query.clinic);
      const rankedAt = query.cursor?.key.rankedAt ?? new Date();
      const page = await listActiveWaitlist(deps.sql, clinic.id, rankedAt, { limit: query.limit, after: query.cursor?.key.after });
      const nextCursor = waitlistCursor(query, rankedAt, page.next);
      linkNextPage(c, nextCursor);
      return c.json({ entries: page.items.map((e) => entryJson(e, e.priority)), next_cursor: nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/waitlist/{id}',
      operationId: 'updateWaitlistEntry',
      summary: 'Change a waitlist entry',
      description: "A new `phone` moves the entry to that number's patient; `display_name` is the patient's name.",
      tags: ['Waitlist'],
      middleware: [requireJsonBody],
      request: { params: ZEntryPath, query: ZClinicQuery, body: { required: true, content: { 'application/json': { schema: ZEntryPatch } } } },
      responses: {
        200: entryResponse('The entry after the change, with its score now.'),
        ...staffErrors({
          400: '`bad_request` naming `id` or a field, as `POST /api/waitlist`, or `active`; nothing is written.',
          404: '`not_found`: no such entry (`field: "id"`) or clinic.',
          409: '`conflict` naming `active` or `phone`: the patient would have a second active entry.',
          ...jsonErrors,
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      return c.json(entryJsonNow(await changeRequestedEntry(deps.sql, clinic, c.req.valid('param').id, c.req.valid('json'))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/waitlist/{id}',
      operationId: 'removeWaitlistEntry',
      summary: 'Take an entry off the waitlist',
      description:
        'The entry turns inactive (as `PATCH` with `active: false`) and keeps its row, which offers refer to; `PATCH` with `active: true` puts it back.',
      tags: ['Waitlist'],
      request: { params: ZEntryPath, query: ZClinicQuery },
      responses: {
        204: { description: 'Off the waitlist (also when it already was).' },
        ...staffErrors({ 400: '`bad_request` naming `id` or `clinic`.', 404: '`not_found`: no such entry (`field: "id"`) or clinic.' }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      await endWaitlistEntry(deps.sql, clinic.id, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
