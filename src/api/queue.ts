/**
 * The walk-in line in the JSON API: `GET /api/queue`, `POST /api/tickets/{code}/state` and
 * `POST /api/tickets/{code}/end` (staff's repair for a stuck ticket).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors.js';
import { STAFF_TARGET_STATES } from '../domain/ticketStates.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { findTicketByCode, listOpenTickets, toTicketView } from '../queue/readQueue.js';
import { transitionTicket } from '../queue/transitionTicket.js';
import { endTicket, MAX_END_REASON } from '../queue/endTicket.js';
import type { Logger } from 'pino';
import type { QueueDeps } from '../queue/joinQueue.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZTicket, ticketJson } from './ticketJson.js';
import { ZClinicQuery, requireJsonBody, unknownField } from './validation.js';

/** Staff's request to move a ticket (also the board's form post). */
export const ZTransitionBody = z
  .strictObject({ state: z.enum(STAFF_TARGET_STATES, { error: `must be one of ${STAFF_TARGET_STATES.join(', ')}` }) }, { error: unknownField })
  .openapi('TransitionRequest');

/** A ticket code in a path (`q7` is read as `Q7`). */
export const ZTicketCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]\d{1,4}$/, 'must be a ticket code such as Q7');

/** The path of a ticket's routes: `{code}`. */
export const ZTicketPath = z.object({
  code: ZTicketCode.meta({ description: 'The ticket code; case does not matter.', pattern: '^[A-Za-z]\\d{1,4}$', example: 'Q7' }),
});

/** The line as `GET /api/queue` answers it. */
export const ZQueue = z
  .object({
    clinic: z.string().meta({ example: 'main' }),
    rooms_open: z.int().meta({ example: 1 }),
    tickets: z
      .array(ZTicket)
      .meta({ description: 'Open tickets in line order: `next` by call time, then `waiting` by join time, then `in_room` (no position).' }),
  })
  .openapi('Queue');

const getQueue = createRoute({
  method: 'get',
  path: '/queue',
  operationId: 'getQueue',
  summary: 'The open tickets of a clinic in line order, with positions and ETAs',
  tags: ['Line'],
  request: { query: ZClinicQuery },
  responses: {
    200: { description: 'The line now.', content: { 'application/json': { schema: ZQueue } } },
    ...staffErrors({ 400: '`bad_request`: `clinic` is not a slug.', 404: '`not_found`: no such clinic (`field: "clinic"`).' }),
  },
});

const moveTicket = createRoute({
  method: 'post',
  path: '/tickets/{code}/state',
  operationId: 'moveTicket',
  summary: 'Move a ticket: call it next, see it in a room, finish it, or mark a no-show',
  description:
    "Allowed moves: `waiting` → `next`; `next` → `in_room` or `no_show`; `in_room` → `done`. A move is an update of the ticket's workflow, checked before it enters history.",
  tags: ['Line'],
  middleware: [requireJsonBody],
  request: {
    params: ZTicketPath,
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZTransitionBody } } },
  },
  responses: {
    200: { description: 'The moved ticket.', content: { 'application/json': { schema: ZTicket } } },
    ...staffErrors({
      400: '`bad_request` naming the field: `state`, `code`, `clinic`, or `body` when it is not JSON.',
      404: '`not_found`: the clinic has no ticket with this code (`field: "code"`), or there is no such clinic (`field: "clinic"`).',
      409: '`conflict`: the move is not allowed from the ticket\'s state (`field: "state"`); nothing changed.',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

/** Staff's request to end a ticket by hand. */
export const ZEndTicketBody = z
  .strictObject(
    {
      reason: z
        .string()
        .max(MAX_END_REASON, `must be at most ${MAX_END_REASON} characters`)
        .optional()
        .meta({ description: 'Why staff ended it; kept in the audit log.', example: 'workflow failed' }),
    },
    { error: unknownField },
  )
  .openapi('EndTicketRequest');

const endOpenTicket = createRoute({
  method: 'post',
  path: '/tickets/{code}/end',
  operationId: 'endTicket',
  summary: "End a stuck ticket by hand, whatever its workflow's condition",
  description:
    'Repair for a ticket whose workflow is gone, failed or stuck: a running workflow is terminated, the ticket becomes `done` (if it was in a room) or `left`, and the action is recorded in `ticket_repairs`. The patient is not texted.',
  tags: ['Line'],
  middleware: [requireJsonBody],
  request: {
    params: ZTicketPath,
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZEndTicketBody } } },
  },
  responses: {
    200: { description: 'The ended ticket.', content: { 'application/json': { schema: ZTicket } } },
    ...staffErrors({
      400: '`bad_request` naming the field: `reason`, `code`, `clinic`, or `body` when it is not JSON.',
      404: '`not_found`: the clinic has no ticket with this code (`field: "code"`), or there is no such clinic (`field: "clinic"`).',
      409: '`conflict`: the ticket has already ended; nothing changed.',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

/** Routes under `/api` for the line. `?clinic=<slug>` picks a clinic (default `main`). */
export function queueRoutes(deps: QueueDeps & { log: Logger }) {
  const app = createApiRouter();

  app.openapi(getQueue, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const tickets = await listOpenTickets(deps.sql, clinic.id);
    return c.json({ clinic: clinic.slug, rooms_open: clinic.roomsOpen, tickets: tickets.map((t) => ticketJson(toTicketView(t))) }, 200);
  });

  app.openapi(moveTicket, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { code } = c.req.valid('param');
    const ticket = await findTicketByCode(deps.sql, clinic.id, code);
    if (ticket === undefined) throw new AppError('not_found', `no ticket ${code}`, 'code');
    return c.json(ticketJson(await transitionTicket(deps, ticket, c.req.valid('json').state, 'staff')), 200);
  });

  // Ends an open ticket whatever its workflow's condition (gone, failed, stuck): see endTicket.
  app.openapi(endOpenTicket, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { code } = c.req.valid('param');
    const body = c.req.valid('json');
    const ticket = await findTicketByCode(deps.sql, clinic.id, code);
    if (ticket === undefined) throw new AppError('not_found', `no ticket ${code}`, 'code');
    return c.json(ticketJson(await endTicket(deps, clinic.id, ticket, { by: 'api', reason: body.reason ?? null })), 200);
  });

  return app;
}
