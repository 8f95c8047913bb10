/**
 * The walk-in line in the JSON API: `GET /api/queue` and `POST /api/tickets/{code}/state`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { STAFF_TARGET_STATES } from '../domain/ticketStates.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { findTicketByCode, listOpenTickets, toTicketView } from '../queue/readQueue.js';
import { transitionTicket } from '../queue/transitionTicket.js';
import type { QueueDeps } from '../queue/joinQueue.js';
import { ticketJson } from './ticketJson.js';
import { ZClinicQuery, parseOrThrow, readJson } from './validation.js';

/** Staff's request to move a ticket. */
export const ZTransitionBody = z.object({
  state: z.enum(STAFF_TARGET_STATES, { message: `must be one of ${STAFF_TARGET_STATES.join(', ')}` }),
});

/** A ticket code in a path (`q7` is read as `Q7`). */
export const ZTicketCode = z.string().trim().toUpperCase().regex(/^[A-Z]\d{1,4}$/, 'must be a ticket code such as Q7');

/** Routes under `/api` for the line. `?clinic=<slug>` picks a clinic (default `main`). */
export function queueRoutes(deps: QueueDeps) {
  const app = new Hono();

  app.get('/queue', async (c) => {
    const clinic = await getClinicBySlug(deps.sql, parseOrThrow(ZClinicQuery, c.req.query()).clinic);
    const tickets = await listOpenTickets(deps.sql, clinic.id);
    return c.json({ clinic: clinic.slug, rooms_open: clinic.roomsOpen, tickets: tickets.map((t) => ticketJson(toTicketView(t))) });
  });

  app.post('/tickets/:code/state', async (c) => {
    const clinic = await getClinicBySlug(deps.sql, parseOrThrow(ZClinicQuery, c.req.query()).clinic);
    const code = parseOrThrow(ZTicketCode, c.req.param('code'));
    const body = parseOrThrow(ZTransitionBody, await readJson(c.req.raw));
    const ticket = await findTicketByCode(deps.sql, clinic.id, code);
    if (ticket === undefined) throw new AppError('not_found', `no ticket ${code}`, 'code');
    return c.json(ticketJson(await transitionTicket(deps, ticket, body.state, 'staff')));
  });

  return app;
}
