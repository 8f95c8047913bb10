/**
 * `GET /healthz`: 200 when Postgres and Temporal answer, 503 naming the one that does not.
 */
import { Hono } from 'hono';
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/sql.js';
import { errorBody } from './errors.js';

/** How long each dependency gets to answer, in ms. */
const CHECK_TIMEOUT_MS = 2000;

async function answers(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([check().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)))]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The health route. */
export function healthRoutes(deps: { sql: Sql; temporal: Client }) {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const [postgres, temporal] = await Promise.all([answers(() => deps.sql`select 1`), answers(() => deps.temporal.workflowService.getSystemInfo({}))]);
    const checks = { postgres: postgres ? 'ok' : 'unavailable', temporal: temporal ? 'ok' : 'unavailable' };
    if (postgres && temporal) return c.json({ status: 'ok', ...checks });
    const down = [!postgres && 'postgres', !temporal && 'temporal'].filter(Boolean).join(' and ');
    return c.json({ status: 'unavailable', ...checks, ...errorBody('unavailable', `${down} not answering`) }, 503);
  });
  return app;
}
