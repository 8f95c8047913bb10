/**
 * Cancellations in the JSON API (issue 10): `POST /api/cancellations` logs a freed slot and starts its
 * offer workflow; `GET /api/cancellations?status=` lists them a page at a time; `GET /api/cancellations/{id}` shows one
 * with its offers (numbers masked: staff see who by the waitlist, not here); `POST
 * /api/cancellations/{id}/abort` withdraws its pending offers. `?clinic=<slug>` as everywhere in `/api`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getClinicBySlug } from '../clinics/clinics.js';
import { maskPhone } from '../domain/phone.js';
import { getCancellationWithOffers, listCancellations, type CancellationWithOffers } from '../waitlist/cancellations.js';
import { abortCancellation, logCancellation, type OfferWorkflowDeps } from '../waitlist/offerWorkflows.js';
import { checkIdempotencyKey, ZIdempotencyHeaders } from './idempotencyKey.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { linkNextPage, MAX_PAGE_LIMIT, NEXT_PAGE_HEADERS, timeKeyCursor, ZNextCursor, ZPagedQuery, ZPageLimit, ZTimeKeyCursor } from './pageCursor.js';
import { ZClinicQuery, ZClinicSlug, ZFreeText, ZInstant, ZProviderId, requireJsonBody, unknownField } from './validation.js';

const STATUSES = ['open', 'filled', 'expired', 'aborted'] as const;
/** What a 202 to an abort says: recorded and under way. */
export const ABORT_UNDER_WAY =
  "The abort is recorded, but the slot's offer workflow has not taken it within 5 s: it is busy with a round of offers, or Temporal or its worker is not answering. It is sent again every 30 s until the workflow takes it; the pending offers are then withdrawn and the status becomes `aborted`. A YES that reached the workflow first still wins the slot.";
const OFFER_STATES = ['pending', 'accepted', 'declined', 'expired', 'canceled', 'failed'] as const;
/** The cancellation list's name in its cursors. */
const CANCELLATIONS_LIST = 'cancellations';
/** Longest slot that can be logged: a working day. */
const MAX_SLOT_MINUTES = 480;

/** A cancellation as staff log it (the JSON API's body; the Cancellations page's form is read into it). */
export const ZNewCancellation = z
  .strictObject(
    {
      provider_id: ZProviderId.meta({ description: 'The provider whose slot freed up (`GET /api/providers`).', example: 3 }),
      location: ZFreeText(200).meta({ description: 'Where the slot is, as patients are told it (at most 200 characters).', example: 'Main St clinic, room 2' }),
      slot_start_at: ZInstant.meta({
        description: 'When the slot starts: ISO 8601 with its offset (or Z), in the future.',
        example: '2026-12-01T10:30:00-06:00',
      }),
      slot_end_at: ZInstant.meta({ description: 'When it ends: after `slot_start_at`, at most 8 hours later.', example: '2026-12-01T11:00:00-06:00' }),
      reason: ZFreeText(500).optional().meta({ description: 'Why it freed up, for staff only: never texted.', example: 'Patient called in sick' }),
    },
    { error: unknownField },
  )
  .superRefine((body, ctx) => {
    // zod runs this even when a time failed its own check; such a time is still the text given.
    if (!(body.slot_start_at instanceof Date) || !(body.slot_end_at instanceof Date)) return;
    if (body.slot_start_at.getTime() <= Date.now()) ctx.addIssue({ code: 'custom', path: ['slot_start_at'], message: 'must be in the future' });
    const minutes = (body.slot_end_at.getTime() - body.slot_start_at.getTime()) / 60_000;
    if (minutes <= 0) ctx.addIssue({ code: 'custom', path: ['slot_end_at'], message: 'must be after slot_start_at' });
    else if (minutes > MAX_SLOT_MINUTES)
      ctx.addIssue({ code: 'custom', path: ['slot_end_at'], message: `must be at most ${MAX_SLOT_MINUTES} minutes after slot_start_at` });
  })
  .openapi('NewCancellation');

const ZOffer = z
  .object({
    id: z.string().meta({ example: '41' }),
    phone: z.string().meta({ description: 'Masked: the last four digits.', example: '+1 ••• ••• 0142' }),
    state: z.enum(OFFER_STATES).meta({ example: 'pending' }),
    batch_number: z.int().meta({ description: 'Batches count from 1; a replacement for a failed or declined offer shares its batch.', example: 1 }),
    sent_at: z.string().meta({ example: '2026-11-30T15:02:00.000Z' }),
    texted_at: z.string().nullable().meta({
      description: "When Twilio took the offer's text; null while it is still being sent (the hold has not started).",
      example: '2026-11-30T15:02:03.000Z',
    }),
    hold_expires_at: z.string().meta({
      description: 'When the hold ends: the hold runs from texted_at; while texted_at is null, the latest it could end.',
      example: '2026-11-30T15:09:03.000Z',
    }),
  })
  .openapi('Offer');

const ZCancellation = z
  .object({
    id: z.string().meta({ example: '7' }),
    status: z.enum(STATUSES).meta({ example: 'open' }),
    provider_id: z.int().meta({ example: 3 }),
    location: z.string().meta({ example: 'Main St clinic, room 2' }),
    slot_start_at: z.string().meta({ example: '2026-12-01T16:30:00.000Z' }),
    slot_end_at: z.string().meta({ example: '2026-12-01T17:00:00.000Z' }),
    reason: z.string().nullable().meta({ example: 'Patient called in sick' }),
    created_by: z.enum(['staff', 'appointment']).meta({ description: '`appointment`: logged by a cancelled appointment.', example: 'staff' }),
    workflow_id: z.string().meta({ example: 'cancellation-main-7' }),
    filled_by: z.string().optional().meta({ description: 'When `filled`: the appointment booked for the patient who won the slot.', example: '88' }),
    created_at: z.string().meta({ example: '2026-11-30T15:01:00.000Z' }),
    ended_at: z.string().nullable().meta({ example: null }),
    abort_requested_at: z.string().nullable().meta({
      description:
        'When staff asked to abort it (`POST /api/cancellations/{id}/abort`); null when they have not, or its offer workflow refused the abort while it was still open (a YES had filled it, or the workflow is gone). While the status is `open` the abort is under way: the workflow has not taken it yet, and it is sent again every 30 s until it does. Set on a `filled` or `expired` cancellation: it ended before the workflow took the abort.',
      example: null,
    }),
    offers: z.array(ZOffer),
  })
  .openapi('Cancellation');

/** `POST /api/cancellations/{id}/abort`'s 202: the cancellation as it stands, its abort recorded, and what that means. */
const ZAbortUnderWay = ZCancellation.extend({
  message: z.string().meta({ example: ABORT_UNDER_WAY }),
}).openapi('AbortUnderWay');

function cancellationJson(c: CancellationWithOffers): z.infer<typeof ZCancellation> {
  return {
    id: c.id,
    status: c.status,
    provider_id: c.providerId,
    location: c.location,
    slot_start_at: c.slotStartAt.toISOString(),
    slot_end_at: c.slotEndAt.toISOString(),
    reason: c.reason,
    created_by: c.createdBy,
    workflow_id: c.workflowId,
    ...(c.filledByAppointmentId === null ? {} : { filled_by: c.filledByAppointmentId }),
    created_at: c.createdAt.toISOString(),
    ended_at: c.endedAt?.toISOString() ?? null,
    abort_requested_at: c.abortRequestedAt?.toISOString() ?? null,
    offers: c.offers.map((o) => ({
      id: o.id,
      phone: maskPhone(o.phone)!,
      state: o.state,
      batch_number: o.batchNumber,
      sent_at: o.sentAt.toISOString(),
      texted_at: o.textedAt?.toISOString() ?? null,
      hold_expires_at: o.holdExpiresAt.toISOString(),
    })),
  };
}

const ZCancellationPath = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'must be a cancellation id')
    .meta({ example: '7' }),
});

const cancellationResponse = (description: string) => ({ description, content: { 'application/json': { schema: ZCancellation } } });

/** Routes under `/api` for cancellations and their offers. */
export function cancellationRoutes(deps: OfferWorkflowDeps) {
  const app = createApiRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/cancellations',
      operationId: 'logCancellation',
      summary: 'Log a freed slot and offer it to the waitlist',
      description:
        "Starts the cancellation's offer workflow: the best-placed eligible waitlisted patients (`offer_batch_size` at once) are texted the slot's time and place, each offer held `offer_hold_minutes`; the first YES wins and is booked. Offers go only within contact hours. An appointment cancelled by text or by staff logs its slot the same way.",
      tags: ['Waitlist'],
      middleware: [requireJsonBody],
      request: { query: ZClinicQuery, body: { required: true, content: { 'application/json': { schema: ZNewCancellation } } } },
      responses: {
        201: {
          description: 'Logged; its offer workflow runs.',
          content: {
            'application/json': {
              schema: z
                .object({
                  id: z.string().meta({ example: '7' }),
                  status: z.enum(STATUSES).meta({ example: 'open' }),
                  workflow_id: z.string().meta({ example: 'cancellation-main-7' }),
                })
                .openapi('CancellationLogged'),
            },
          },
        },
        ...staffErrors({
          400: '`bad_request` naming the field: `provider_id` (not a provider of the clinic, or one made inactive), `location`, `slot_start_at` (not ISO 8601 with offset, or past), `slot_end_at` (not after the start, or over 8 hours), `reason`, a field it does not take, or `body`; nothing is written.',
          404: '`not_found`: no such clinic.',
          409: '`conflict` naming `slot_start_at`: the slot overlaps a booked or confirmed appointment of the provider, or a slot of theirs already being offered (an open cancellation); the message says which. Cancel that appointment instead: its slot is offered by itself. Nothing is written.',
          413: '`payload_too_large`: the body is over the limit.',
          415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
          503: '`unavailable`: Temporal did not take the start within 5 s; nothing is kept.',
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      const body = c.req.valid('json');
      const cancellation = await logCancellation(deps, clinic, {
        providerId: body.provider_id,
        location: body.location,
        slotStartAt: body.slot_start_at,
        slotEndAt: body.slot_end_at,
        reason: body.reason ?? null,
      });
      return c.json({ id: cancellation.id, status: cancellation.status, workflow_id: cancellation.workflowId }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/cancellations',
      operationId: 'listCancellations',
      summary: 'Cancellations, newest first',
      description:
        'A page at a time, newest first and then by `id` (the higher first): pass `next_cursor` as `cursor` for the next (older) page (also in the `Link` header, `rel="next"`) until it is null, with the same `status` and `clinic` (`limit` may change): a cursor sent with other filters is a 400 naming `cursor`. A boundary never skips or repeats a cancellation, even among ones logged at the same instant.',
      tags: ['Waitlist'],
      request: {
        query: ZPagedQuery(
          CANCELLATIONS_LIST,
          z.object({
            clinic: ZClinicSlug,
            status: z.enum(STATUSES, { error: 'must be open, filled, expired or aborted' }).optional().meta({ example: 'open' }),
            limit: ZPageLimit(MAX_PAGE_LIMIT),
            cursor: ZTimeKeyCursor(CANCELLATIONS_LIST),
          }),
        ),
      },
      responses: {
        200: {
          description: 'A page of the cancellations (only those in `status`, when given), each with its offers.',
          headers: NEXT_PAGE_HEADERS,
          content: {
            'application/json': { schema: z.object({ cancellations: z.array(ZCancellation), next_cursor: ZNextCursor }).openapi('Cancellations') },
          },
        },
        ...staffErrors({
          400: '`bad_request` naming `clinic`, `status`, `limit` or `cursor` (not a `next_cursor` of this list, altered, or sent with other filters than its page).',
          404: '`not_found`: no such clinic.',
        }),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const clinic = await getClinicBySlug(deps.sql, query.clinic);
      const page = await listCancellations(deps.sql, clinic.id, query.status, { limit: query.limit, after: query.cursor?.key });
      const nextCursor = timeKeyCursor(CANCELLATIONS_LIST, query, page.next);
      linkNextPage(c, nextCursor);
      return c.json({ cancellations: page.items.map(cancellationJson), next_cursor: nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/cancellations/{id}',
      operationId: 'getCancellation',
      summary: 'One cancellation with its offers',
      tags: ['Waitlist'],
      request: { params: ZCancellationPath, query: ZClinicQuery },
      responses: {
        200: cancellationResponse('The cancellation and every offer made for it, oldest first.'),
        ...staffErrors({ 400: '`bad_request` naming `id` or `clinic`.', 404: '`not_found`: no such cancellation (`field: "id"`) or clinic.' }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      return c.json(cancellationJson(await getCancellationWithOffers(deps.sql, clinic.id, c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/cancellations/{id}/abort',
      operationId: 'abortCancellation',
      summary: 'Stop offering a slot',
      description:
        "Pending offers are withdrawn, each patient told with a short text (`offer_withdrawn`); the cancellation ends `aborted`. The abort is recorded before it is sent to the slot's offer workflow, and every abort of one cancellation is one Temporal update: a repeat (after a 202, or a retry) joins it, and nothing is done twice.",
      tags: ['Waitlist'],
      request: { params: ZCancellationPath, query: ZClinicQuery, headers: ZIdempotencyHeaders },
      responses: {
        200: cancellationResponse(
          'Done: the cancellation, `aborted`, with its offers as they stood (also to a retry with the same `Idempotency-Key` once it is).',
        ),
        202: {
          description:
            'Under way: the abort is recorded, but the offer workflow did not take it within 5 s (busy with a round of offers, or Temporal or its worker not answering). The cancellation as it stands (`open`, with `abort_requested_at`) and `message`. The abort is sent again every 30 s until the workflow takes it; `GET /api/cancellations/{id}` then shows `aborted` (or `filled`, when a YES reached the workflow first).',
          content: { 'application/json': { schema: ZAbortUnderWay } },
        },
        ...staffErrors({
          400: '`bad_request` naming `id`, `clinic` or `idempotency-key`.',
          404: '`not_found`: no such cancellation (`field: "id"`) or clinic.',
          409: '`conflict` naming `status`: it is no longer open (filled, expired or aborted), or a YES filled it before the abort reached its workflow.',
          422: '`unprocessable_content` naming `idempotency-key`: the key was used for the abort of another cancellation.',
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      const id = c.req.valid('param').id;
      const repeat = await checkIdempotencyKey(deps.sql, clinic.id, 'abort', c.req.valid('header')['idempotency-key'], {
        target: `cancellations/${id}`,
        arguments: {},
      });
      const { outcome } = await abortCancellation(deps, clinic, id, 'staff', { repeat });
      const after = await getCancellationWithOffers(deps.sql, clinic.id, id);
      if (outcome === 'under_way') return c.json({ ...cancellationJson(after), message: ABORT_UNDER_WAY }, 202);
      // The workflow writes `aborted` and the withdrawn offers in its next step: answer as they will stand.
      return c.json(cancellationJson({ ...after, status: 'aborted' }), 200);
    },
  );

  return app;
}
