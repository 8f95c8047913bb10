/**
 * The clinic's settings in the JSON API: `PUT /api/clinic/rooms` sets how many rooms are open.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug, MAX_ROOMS_OPEN, MIN_ROOMS_OPEN } from '../clinics/clinics.js';
import { setRoomsOpen } from '../clinics/setRoomsOpen.js';
import { ZClinicQuery, parseOrThrow, readJson } from './validation.js';

const ROOMS_MESSAGE = `must be a whole number from ${MIN_ROOMS_OPEN} to ${MAX_ROOMS_OPEN}`;

const ZRoomsOpen = z.int({ message: ROOMS_MESSAGE }).min(MIN_ROOMS_OPEN, ROOMS_MESSAGE).max(MAX_ROOMS_OPEN, ROOMS_MESSAGE);

const ZRoomsBody = z.object({ rooms_open: ZRoomsOpen });

/** The board's form post: the same number, sent as form text (`rooms_open=2`). */
export const ZRoomsForm = z.object({
  rooms_open: z.string({ message: ROOMS_MESSAGE }).regex(/^\d{1,3}$/, ROOMS_MESSAGE).transform(Number).pipe(ZRoomsOpen),
});

/** Routes under `/api` for the clinic's settings. `?clinic=<slug>` picks a clinic (default `main`). */
export function clinicRoutes(deps: { sql: Sql }) {
  const app = new Hono();

  app.put('/clinic/rooms', async (c) => {
    const clinic = await getClinicBySlug(deps.sql, parseOrThrow(ZClinicQuery, c.req.query()).clinic);
    const body = parseOrThrow(ZRoomsBody, await readJson(c.req.raw));
    await setRoomsOpen(deps.sql, clinic.id, body.rooms_open);
    return c.json({ clinic: clinic.slug, rooms_open: body.rooms_open });
  });

  return app;
}
