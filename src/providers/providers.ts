/**
 * A clinic's providers as staff manage them (the `providers` table, db/migrations/1763800250000_appointments.sql
 * and 1763800800000_waitlist.sql): name, type and whether they are active. A provider first named by an
 * appointment booking (`findOrCreateProvider` in src/appointments/appointments.ts) has no type (null).
 */
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';

/** A provider's type: `MD/DO` (physician) or `APP` (advanced practice provider). */
export const PROVIDER_TYPES = ['MD/DO', 'APP'] as const;
/** A provider's type. */
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * One provider. `type` is null when unknown; `active` false: no new bookings, waitlist preferences or
 * staff-logged slots for them (refused with a 400 naming the field), while what already refers to
 * them keeps working.
 */
export interface Provider {
  id: number;
  name: string;
  type: ProviderType | null;
  active: boolean;
}

/** A change to a provider: only the fields given change. */
export interface ProviderPatch {
  name?: string | undefined;
  type?: ProviderType | undefined;
  active?: boolean | undefined;
}

// The unique index on (clinic_id, lower(name)).
const NAME_INDEX = 'providers_name_per_clinic';

/**
 * The conflict for `name`, which the clinic already has in some case, naming the provider as stored
 * (`name: the clinic already has a provider named "Dr Shah" (provider 3)`), or the error as it was.
 */
async function nameTaken(sql: Sql, clinicId: number, error: unknown, name: string): Promise<unknown> {
  if ((error as { constraint_name?: string }).constraint_name !== NAME_INDEX) return error;
  const [stored] = await sql<{ id: number; name: string }[]>`select id, name from providers where clinic_id = ${clinicId} and lower(name) = lower(${name})`;
  // Renamed or removed since the insert failed: the name as typed is all there is to quote.
  const named = stored === undefined ? JSON.stringify(name) : `${JSON.stringify(stored.name)} (provider ${stored.id})`;
  return new AppError('conflict', `name: the clinic already has a provider named ${named}`, 'name');
}

/** The clinic's providers by name (case-insensitive), active and inactive. */
export async function listProviders(sql: Sql, clinicId: number): Promise<Provider[]> {
  return sql<Provider[]>`select id, name, type, active from providers where clinic_id = ${clinicId} order by lower(name), id`;
}

/**
 * Adds an active provider to the clinic.
 * @throws AppError conflict (409) naming `name` when the clinic has a provider of that name in any case.
 */
export async function createProvider(sql: Sql, clinicId: number, provider: { name: string; type: ProviderType }): Promise<Provider> {
  try {
    const [row] = await sql<Provider[]>`
      insert into providers (clinic_id, name, type) values (${clinicId}, ${provider.name}, ${provider.type})
      returning id, name, type, active`;
    return row!;
  } catch (error) {
    throw await nameTaken(sql, clinicId, error, provider.name);
  }
}

/**
 * Changes the fields of `patch` on the clinic's provider `id`.
 * @returns the provider after the change.
 * @throws AppError not_found naming `id` when the clinic has no such provider; conflict (409) naming
 *   `name` when another provider of the clinic has that name in any case.
 */
export async function updateProvider(sql: Sql, clinicId: number, id: number, patch: ProviderPatch): Promise<Provider> {
  const values = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  try {
    const [row] =
      Object.keys(values).length === 0
        ? await sql<Provider[]>`select id, name, type, active from providers where clinic_id = ${clinicId} and id = ${id}`
        : await sql<Provider[]>`
            update providers set ${sql(values)} where clinic_id = ${clinicId} and id = ${id}
            returning id, name, type, active`;
    if (row === undefined) throw new AppError('not_found', `no provider ${id}`, 'id');
    return row;
  } catch (error) {
    throw await nameTaken(sql, clinicId, error, patch.name ?? '');
  }
}
