/**
 * Waitlist entries (the `waitlist_entries` and `waitlist_entry_providers` tables,
 * db/migrations/1763800800000_waitlist.sql): add, list by priority, change and end. Every write is one
 * transaction, so bad input (an unknown provider) leaves nothing written. An ended entry turns
 * inactive and keeps its row: the offers of the offer workflow refer to it.
 */
import type { TransactionSql } from 'postgres';
import { takePage, type Page, type PageRequest } from '../db/keysetPage.js';
import type { Sql } from '../db/sql.js';
import { compareRank, rankByPriority, rankKeyOf, type Priority, type RankKey } from '../domain/waitlistPriority.js';
import { AppError } from '../errors.js';
import type { ProviderType } from '../providers/providers.js';
import { findOrCreatePatient } from './patients.js';

/** Which providers' slots an entry takes: `MD/DO`, `APP`, or `Any`. */
export const PROVIDER_TYPE_PREFERENCES = ['MD/DO', 'APP', 'Any'] as const satisfies readonly (ProviderType | 'Any')[];
/** A provider type preference. */
export type ProviderTypePreference = (typeof PROVIDER_TYPE_PREFERENCES)[number];

/** One waitlist entry with its patient's number and name. `id` and `patientId` are bigserials as strings; instants UTC. */
export interface WaitlistEntry {
  id: string;
  patientId: string;
  /** E.164. */
  phone: string;
  displayName: string | null;
  /** The channel the patient's offers go on (the patient's). */
  channel: OfferChannel;
  /** Preferred providers by id, ascending; empty: any provider of `providerType`. */
  providerIds: number[];
  providerType: ProviderTypePreference;
  currentApptAt: Date | null;
  urgent: boolean;
  /** 0–40. */
  manualBoost: number;
  active: boolean;
  joinedAt: Date;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A waitlist entry with its priority at the time it was read. */
export type RankedWaitlistEntry = WaitlistEntry & { priority: Priority };

/** The channels waitlist offers go on (`patients.channel`). */
export const OFFER_CHANNELS = ['sms', 'whatsapp'] as const;
/** A channel waitlist offers go on. */
export type OfferChannel = (typeof OFFER_CHANNELS)[number];

/** A new entry, validated by the API: `phone` E.164, `manualBoost` 0–40, free text cleaned. */
export interface NewWaitlistEntry {
  phone: string;
  /** Replaces the patient's stored name when given. */
  displayName?: string | undefined;
  /** Replaces the patient's channel when given (new patients: SMS). */
  channel?: OfferChannel | undefined;
  providerIds: number[];
  providerType: ProviderTypePreference;
  currentApptAt: Date | null;
  urgent: boolean;
  manualBoost: number;
  notes: string | null;
  /** When the patient joined (an import's date); default: now. */
  joinedAt?: Date | undefined;
}

/** A change to an entry: only the fields given change; null clears a name, an appointment or notes. */
export interface WaitlistEntryPatch {
  phone?: string | undefined;
  displayName?: string | null | undefined;
  channel?: OfferChannel | undefined;
  providerIds?: number[] | undefined;
  providerType?: ProviderTypePreference | undefined;
  currentApptAt?: Date | null | undefined;
  urgent?: boolean | undefined;
  manualBoost?: number | undefined;
  notes?: string | null | undefined;
  joinedAt?: Date | undefined;
  active?: boolean | undefined;
}

interface EntryRow {
  id: string;
  patient_id: string;
  phone: string;
  display_name: string | null;
  channel: OfferChannel;
  provider_ids: number[];
  provider_type_preference: ProviderTypePreference;
  current_appt_at: Date | null;
  urgent: boolean;
  manual_boost: number;
  active: boolean;
  joined_at: Date;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

const fromRow = (r: EntryRow): WaitlistEntry => ({
  id: r.id,
  patientId: r.patient_id,
  phone: r.phone,
  displayName: r.display_name,
  channel: r.channel,
  providerIds: r.provider_ids,
  providerType: r.provider_type_preference,
  currentApptAt: r.current_appt_at,
  urgent: r.urgent,
  manualBoost: r.manual_boost,
  active: r.active,
  joinedAt: r.joined_at,
  notes: r.notes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const selectEntries = (sql: Sql | TransactionSql) => sql`
  select e.id, e.patient_id, p.phone_e164 as phone, p.display_name, p.channel, e.provider_type_preference, e.current_appt_at, e.urgent,
         e.manual_boost, e.active, e.joined_at, e.notes, e.created_at, e.updated_at,
         array(select wp.provider_id from waitlist_entry_providers wp where wp.entry_id = e.id order by wp.provider_id) as provider_ids
  from waitlist_entries e join patients p on p.id = e.patient_id`;

// The partial unique index allowing one active entry per patient.
const ONE_ACTIVE_INDEX = 'waitlist_entries_one_active_per_patient';

/** The conflict for a second active entry of one patient, naming `field`, or the error as it was. */
function alreadyWaiting(error: unknown, field: string): unknown {
  if ((error as { constraint_name?: string }).constraint_name !== ONE_ACTIVE_INDEX) return error;
  return new AppError('conflict', `${field}: the patient already has an active waitlist entry`, field);
}

/**
 * Checks that every id of `providerIds` is an active provider of the clinic, or one of `kept` (the
 * entry's preferred providers before the change), which stay allowed when staff have since made
 * them inactive: an entry's own choices keep working.
 * @throws AppError bad_request naming `provider_ids.<n>`, the index of the first unknown or newly
 *   chosen inactive provider.
 */
async function checkProviders(tx: TransactionSql, clinicId: number, providerIds: readonly number[], kept: readonly number[] = []): Promise<void> {
  if (providerIds.length === 0) return;
  const rows = await tx<{ id: number; name: string; active: boolean }[]>`
    select id, name, active from providers where clinic_id = ${clinicId} and id in ${tx(providerIds)}`;
  const known = new Map(rows.map((r) => [r.id, r]));
  providerIds.forEach((id, n) => {
    const provider = known.get(id);
    if (provider === undefined) throw new AppError('bad_request', `provider_ids.${n}: the clinic has no provider ${id}`, `provider_ids.${n}`);
    if (!provider.active && !kept.includes(id)) {
      throw new AppError('bad_request', `provider_ids.${n}: ${provider.name} (provider ${id}) is inactive; choose an active provider`, `provider_ids.${n}`);
    }
  });
}

/** Replaces the entry's preferred providers with `providerIds` (duplicates kept once). */
async function setPreferredProviders(tx: TransactionSql, clinicId: number, entryId: string, providerIds: readonly number[]): Promise<void> {
  await tx`delete from waitlist_entry_providers where entry_id = ${entryId}`;
  const rows = [...new Set(providerIds)].map((providerId) => ({ clinic_id: clinicId, entry_id: entryId, provider_id: providerId }));
  if (rows.length > 0) await tx`insert into waitlist_entry_providers ${tx(rows)}`;
}

/** The clinic's entry `id`, active or not. @throws AppError not_found naming `id`. */
export async function getWaitlistEntry(sql: Sql | TransactionSql, clinicId: number, id: string): Promise<WaitlistEntry> {
  const [row] = await sql<EntryRow[]>`${selectEntries(sql)} where e.clinic_id = ${clinicId} and e.id = ${id}`;
  if (row === undefined) throw new AppError('not_found', `no waitlist entry ${id}`, 'id');
  return fromRow(row);
}

/**
 * Puts the patient with `entry.phone` on the clinic's waitlist, creating the patient when the clinic
 * has none with that number. All or nothing.
 * @returns the new entry.
 * @throws AppError bad_request naming `provider_ids.<n>` for a provider the clinic does not have or
 *   has made inactive; conflict (409) naming `phone` when the patient already has an active entry.
 */
export async function addWaitlistEntry(sql: Sql, clinicId: number, entry: NewWaitlistEntry): Promise<WaitlistEntry> {
  return sql.begin(async (tx) => {
    await checkProviders(tx, clinicId, entry.providerIds);
    const patientId = await findOrCreatePatient(tx, clinicId, entry.phone, entry.displayName);
    if (entry.channel !== undefined) await tx`update patients set channel = ${entry.channel} where id = ${patientId}`;
    const [row] = await tx<{ id: string }[]>`
      insert into waitlist_entries (clinic_id, patient_id, provider_type_preference, current_appt_at, urgent, manual_boost, notes, joined_at)
      values (${clinicId}, ${patientId}, ${entry.providerType}, ${entry.currentApptAt}, ${entry.urgent}, ${entry.manualBoost}, ${entry.notes},
              coalesce(${entry.joinedAt ?? null}::timestamptz, now()))
      returning id`.catch((error: unknown) => {
      throw alreadyWaiting(error, 'phone');
    });
    const id = row!.id;
    await setPreferredProviders(tx, clinicId, id, entry.providerIds);
    return getWaitlistEntry(tx, clinicId, id);
  });
}

/** An entry's place in the waitlist's order (`compareRank`): score at the ranking's instant, join time, id. */
export type WaitlistKey = RankKey;

/**
 * The clinic's active entries ranked at `now` (`rankByPriority`, issue 10 "Priority"): highest score
 * first, ties by who joined first, then by `id`. Without `page`, all of them (the Waitlist page); with
 * it, the page after `page.after` in the same ranking. Scores change with time, so every page of one
 * walk must be ranked at the same `now` (the JSON API keeps it in its cursor). Each call reads and ranks
 * every active entry of the clinic (`waitlist_entries_active`): a score is computed, not stored.
 */
export async function listActiveWaitlist(sql: Sql, clinicId: number, now: Date): Promise<RankedWaitlistEntry[]>;
export async function listActiveWaitlist(
  sql: Sql,
  clinicId: number,
  now: Date,
  page: PageRequest<WaitlistKey>,
): Promise<Page<RankedWaitlistEntry, WaitlistKey>>;
export async function listActiveWaitlist(
  sql: Sql,
  clinicId: number,
  now: Date,
  page?: PageRequest<WaitlistKey>,
): Promise<RankedWaitlistEntry[] | Page<RankedWaitlistEntry, WaitlistKey>> {
  const rows = await sql<EntryRow[]>`${selectEntries(sql)} where e.clinic_id = ${clinicId} and e.active`;
  const ranked = rankByPriority(rows.map(fromRow), now);
  if (page === undefined) return ranked;
  const { after } = page;
  return takePage(after === undefined ? ranked : ranked.filter((e) => compareRank(rankKeyOf(e), after) > 0), page.limit, rankKeyOf);
}

/**
 * Changes the fields of `patch` on the clinic's entry `id`. A new `phone` moves the entry to that
 * number's patient (created when new); `displayName` is the patient's. All or nothing.
 * @returns the entry after the change.
 * @throws AppError not_found naming `id`; bad_request naming `provider_ids.<n>` for a provider the
 *   clinic does not have, or an inactive one the entry did not already prefer; conflict (409) naming
 *   `active` (or `phone`) when the change would give the patient a second active entry.
 */
export async function updateWaitlistEntry(sql: Sql, clinicId: number, id: string, patch: WaitlistEntryPatch): Promise<WaitlistEntry> {
  return sql.begin(async (tx) => {
    const [current] = await tx<{ patient_id: string }[]>`select patient_id from waitlist_entries where clinic_id = ${clinicId} and id = ${id} for update`;
    if (current === undefined) throw new AppError('not_found', `no waitlist entry ${id}`, 'id');
    if (patch.providerIds !== undefined) {
      const kept = await tx<{ provider_id: number }[]>`select provider_id from waitlist_entry_providers where entry_id = ${id}`;
      const keptIds = kept.map((r) => r.provider_id);
      await checkProviders(tx, clinicId, patch.providerIds, keptIds);
    }
    let patientId = current.patient_id;
    if (patch.phone !== undefined) patientId = await findOrCreatePatient(tx, clinicId, patch.phone, patch.displayName);
    else if (patch.displayName !== undefined) await tx`update patients set display_name = ${patch.displayName} where id = ${patientId}`;
    if (patch.channel !== undefined) await tx`update patients set channel = ${patch.channel} where id = ${patientId}`;
    const columns = Object.fromEntries(
      Object.entries({
        patient_id: patientId,
        provider_type_preference: patch.providerType,
        current_appt_at: patch.currentApptAt,
        urgent: patch.urgent,
        manual_boost: patch.manualBoost,
        notes: patch.notes,
        joined_at: patch.joinedAt,
        active: patch.active,
      }).filter(([, value]) => value !== undefined),
    );
    try {
      await tx`update waitlist_entries set ${tx(columns)}, updated_at = now() where id = ${id}`;
    } catch (error) {
      throw alreadyWaiting(error, patch.active === true ? 'active' : 'phone');
    }
    if (patch.providerIds !== undefined) await setPreferredProviders(tx, clinicId, id, patch.providerIds);
    return getWaitlistEntry(tx, clinicId, id);
  });
}

/**
 * Takes the clinic's entry `id` off the waitlist: it turns inactive and keeps its row (offers refer to
 * it). Ending an inactive entry changes nothing.
 * @throws AppError not_found naming `id`.
 */
export async function endWaitlistEntry(sql: Sql, clinicId: number, id: string): Promise<void> {
  const [row] = await sql<{ id: string }[]>`
    update waitlist_entries set active = false, updated_at = case when active then now() else updated_at end
    where clinic_id = ${clinicId} and id = ${id}
    returning id`;
  if (row === undefined) throw new AppError('not_found', `no waitlist entry ${id}`, 'id');
}
