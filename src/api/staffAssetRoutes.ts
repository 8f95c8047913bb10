/**
 * `GET /admin/assets/<name>`: the pages' scripts and stylesheets from the registry
 * (views/staffAssets.ts). Public, as the sign-in page and the kiosk need them before any session, and
 * they hold no data. A request naming the current version (`?v=`, as pages link them) may be cached
 * for a year; any other must revalidate (ETag, 304).
 */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { AppError } from '../errors.js';
import { findStaffAsset } from './views/staffAssets.js';

/** A year (seconds): how long a versioned URL may be cached. */
const VERSIONED_MAX_AGE = 365 * 24 * 60 * 60;

/** Routes relative to `/admin/assets`: `GET /:name`. @throws AppError not_found for an unknown name. */
export function staffAssetRoutes(): Hono {
  const app = new Hono();
  app.use('*', etag());
  app.get('/:name', (c) => {
    const name = c.req.param('name');
    const asset = findStaffAsset(name);
    if (asset === undefined) throw new AppError('not_found', `no asset ${name}`, 'name');
    return c.body(asset.body, 200, {
      'Content-Type': asset.type,
      'Cache-Control': c.req.query('v') === asset.version ? `public, max-age=${VERSIONED_MAX_AGE}, immutable` : 'no-cache',
    });
  });
  return app;
}
