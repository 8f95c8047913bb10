/**
 * Cancellation events (`cancellation_events`) and their offers (`offers`) in Postgres: a freed slot
 * to refill from the waitlist, one offer workflow each. Staff log one through the API; a cancelled
 * appointment's chain logs its slot (once per appointment and start). After that only the offer
 * workflow's activities change a row. Instants are UTC.
 */
import type { TransactionSql } from 'postgres';
import type { Clinic } from '../clinics/clinics.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import type { Sql } from '../db/sql.js';
import { KEY_TIME_FORMAT, mapPage, takePage, type Page, type PageRequest, type TimeKey } from '../db/keysetPage.js';
import { AppError } from '../errors.js';
import type { CancellationOfferInput, CancellationStatus, OfferState } from '../workflows/offerDefinitions.js';

/** Who logged a cancellation: staff (API, board) or a cancelled appointment's chain. */
export type CancellationSource = 'staff' | 'appointment';

/** A cancellation event. `id` is the bigserial as a string. */
export interface Cancellation {
  id: string;
  clinicId: number;
  providerId: number;
  location: string;
  slotStartAt: Date;
  slotEndAt: Date;
  reason: string | null;
  status: CancellationStatus;
  createdBy: CancellationSource;
  /** The cancelled appointment it came from, if any. */
  appointmentId: string | null;
  workflowId: string;
  /** The appointment booked for the patient who won the slot. */
  filledByAppointmentId: string | null;
  createdAt: Date;
  endedAt: Date | null;
  /**
   * When staff asked to abort it (src/waitlist/abortRequests.ts): under way while it is `open`; null
   * when none was asked, or the workflow refused it while it was open.
   */
  abortRequestedAt: Date | null;
}

/** One offer of a cancellation's slot, with the full number (mask it before showing). */
export interface Offer {
  id: string;
  /** E.164. */
  phone: string;
  state: OfferState;
  batchNumber: number;
  sentAt: Date;
  /** When Twilio took the offer's text (`offers.texted_at`, written with its hold); null while it is still being sent. */
  textedAt: Date | null;
  /** When the hold ends; while `textedAt` is null (in runs holding from the text), the latest it could end. */
  holdExpiresAt: Date;
}

/** A cancellation with its offers, oldest first. */
export type CancellationWithOffers = Cancellation & { offers: Offer[] };

/** A cancellation to log, checked by the caller: `slotEndAt` after `slotStartAt`, free text cleaned. */
export interface NewCancellation {
  providerId: number;
  location: string;
  slotStartAt: Date;
  slotEndAt: Date;
  reason: string | null;
  createdBy: CancellationSource;
  appointmentId?: string;
}

interface CancellationRow {
  id: string;
  clinic_id: number;
  provider_id: number;
  location: string;
  slot_start_at: Date;
  slot_end_at: Date;
  reason: string | null;
  status: CancellationStatus;
  created_by: CancellationSource;
  appointment_id: string | null;
  workflow_id: string;
  filled_by_appointment_id: string | null;
  created_at: Date;
  ended_at: Date | null;
  abort_requested_at: Date | null;
  /** `created_at` to the microsecond, the list's sort key (`TimeKey`). */
  key_at: string;
}

const fromRow = (r: CancellationRow): Cancellation => ({
  id: r.id,
  clinicId: r.clinic_id,
  providerId: r.provider_id,
  location: r.location,
  slotStartAt: r.slot_start_at,
  slotEndAt: r.slot_end_at,
  reason: r.reason,
  status: r.status,
  createdBy: r.created_by,
  appointmentId: r.appointment_id,
  workflowId: r.workflow_id,
  filledByAppointmentId: r.filled_by_appointment_id,
  createdAt: r.created_at,
  endedAt: r.ended_at,
  abortRequestedAt: r.abort_requested_at,
});

const SELECT_CANCELLATIONS = (sql: Sql) => sql`
  select id::text, clinic_id, provider_id, location, slot_start_at, slot_end_at, reason, status, created_by, appointment_id::text,
         workflow_id, filled_by_appointment_id::text, created_at, ended_at,
         (select r.requested_at from cancellation_abort_requests r where r.cancellation_id = cancellation_events.id) as abort_requested_at,
         to_char(created_at at time zone 'UTC', ${KEY_TIME_FORMAT}) as key_at
  from cancellation_events`;

/**
 * Logs `event` at `clinic` with its workflow ID (`cancellation-<clinic>-<id>`, as
 * `cancellationWorkflowId`). A cancelled appointment's slot is logged once: logging it again returns
 * the first event. Checked and written in one transaction holding the provider's row lock (as a
 * patient's move in `moveAppointment` takes it, and as an appointment's insert waits on it through its
 * foreign key), so a slot cannot be logged over an appointment or slot that commits meanwhile.
 * @throws AppError bad_request naming `provider_id` when the clinic has no such provider, or when it
 *   has been made inactive (the `offerFreedSlot` activity checks first and logs nothing: a retry
 *   after a provider was made inactive meanwhile finds it so); conflict (409) naming `slot_start_at`
 *   when staff log a slot that overlaps an open (booked or confirmed) appointment of the provider, or
 *   a slot of theirs still being offered (an open cancellation): its winner would be double-booked.
 */
export async function createCancellation(sql: Sql, clinic: Pick<Clinic, 'id' | 'slug'>, event: NewCancellation): Promise<Cancellation> {
  const id = await sql.begin(async (tx) => {
    const [provider] = await tx<{ name: string; active: boolean }[]>`
      select name, active from providers where clinic_id = ${clinic.id} and id = ${event.providerId} for update`;
    if (provider === undefined) throw new AppError('bad_request', `provider_id: the clinic has no provider ${event.providerId}`, 'provider_id');
    if (!provider.active) {
      throw new AppError(
        'bad_request',
        `provider_id: ${provider.name} (provider ${event.providerId}) is inactive; log slots of an active provider`,
        'provider_id',
      );
    }
    // A cancelled appointment's own slot is free by definition; staff type theirs, and may type a taken one.
    if (event.createdBy === 'staff') await refuseTakenSlot(tx, provider.name, event);
    const [inserted] = await tx<{ id: string }[]>`
      with next as (select nextval(pg_get_serial_sequence('cancellation_events', 'id'))::text as id)
      insert into cancellation_events (id, clinic_id, provider_id, location, slot_start_at, slot_end_at, reason, created_by, appointment_id, workflow_id)
      select next.id::bigint, ${clinic.id}, ${event.providerId}, ${event.location}, ${event.slotStartAt}, ${event.slotEndAt}, ${event.reason},
             ${event.createdBy}, ${event.appointmentId ?? null}, 'cancellation-' || ${clinic.slug}::text || '-' || next.id
      from next
      on conflict (appointment_id, slot_start_at) where appointment_id is not null do nothing
      returning id::text`;
    if (inserted !== undefined) return inserted.id;
    const [earlier] = await tx<{ id: string }[]>`
      select id::text from cancellation_events where appointment_id = ${event.appointmentId ?? null} and slot_start_at = ${event.slotStartAt}`;
    return earlier!.id;
  });
  return getCancellation(sql, clinic.id, id);
}

/**
 * Throws unless `event`'s slot is free with its provider (named `providerName`): no open (booked or
 * confirmed) appointment of theirs and no open cancellation of theirs overlaps it. Run under the
 * provider's row lock.
 * @throws AppError conflict naming `slot_start_at`, saying what overlaps (the earliest, with its times in UTC).
 */
async function refuseTakenSlot(tx: TransactionSql, providerName: string, event: NewCancellation): Promise<void> {
  const [taken] = await tx<{ what: 'appointment' | 'cancellation'; id: string; starts_at: Date; ends_at: Date }[]>`
    select 'appointment' as what, id::text, starts_at, starts_at + duration_minutes * interval '1 minute' as ends_at from appointments
    where provider_id = ${event.providerId} and status in ('booked', 'confirmed')
      and starts_at < ${event.slotEndAt} and starts_at + duration_minutes * interval '1 minute' > ${event.slotStartAt}
    union all
    select 'cancellation', id::text, slot_start_at, slot_end_at from cancellation_events
    where provider_id = ${event.providerId} and status = 'open' and slot_start_at < ${event.slotEndAt} and slot_end_at > ${event.slotStartAt}
    order by starts_at, what
    limit 1`;
  if (taken === undefined) return;
  const when = `${taken.starts_at.toISOString()}–${taken.ends_at.toISOString()}`;
  throw new AppError(
    'conflict',
    taken.what === 'appointment'
      ? `slot_start_at: ${providerName} has appointment ${taken.id} (${when}) in this slot; cancelling that appointment offers its slot to the waitlist`
      : `slot_start_at: ${providerName}'s slot ${when} is already being offered to the waitlist (cancellation ${taken.id})`,
    'slot_start_at',
  );
}

/** Removes cancellation `id` whose workflow never started (Temporal refused the start): nothing else refers to it yet. */
export async function deleteUnstartedCancellation(sql: Sql, id: string): Promise<void> {
  await sql`delete from cancellation_events where id = ${id} and not exists (select 1 from offers where cancellation_id = ${id})`;
}

/** The clinic's cancellation `id`. @throws AppError not_found naming `id`. */
export async function getCancellation(sql: Sql, clinicId: number, id: string): Promise<Cancellation> {
  const [row] = await sql<CancellationRow[]>`${SELECT_CANCELLATIONS(sql)} where clinic_id = ${clinicId} and id = ${id}`;
  if (row === undefined) throw new AppError('not_found', `no cancellation ${id}`, 'id');
  return fromRow(row);
}

/** The clinic's cancellation `id` with its offers, oldest first. @throws AppError not_found naming `id`. */
export async function getCancellationWithOffers(sql: Sql, clinicId: number, id: string): Promise<CancellationWithOffers> {
  const cancellation = await getCancellation(sql, clinicId, id);
  return { ...cancellation, offers: await listOffers(sql, [id]).then((offers) => offers.get(id) ?? []) };
}

/** How many cancellations a list without a page holds: the newest. */
const UNPAGED_LIMIT = 500;

/**
 * The clinic's cancellations (only those in `status`, when given), newest first (ties by `id`, the
 * higher first), each with its offers. Without `page`, the 500 newest (the Cancellations page); with
 * it, the page after `page.after` (keyset, see `keysetPage.ts`), read through the
 * `cancellation_events_by_created` / `cancellation_events_by_status` indexes.
 */
export async function listCancellations(sql: Sql, clinicId: number, status?: CancellationStatus): Promise<CancellationWithOffers[]>;
export async function listCancellations(
  sql: Sql,
  clinicId: number,
  status: CancellationStatus | undefined,
  page: PageRequest<TimeKey>,
): Promise<Page<CancellationWithOffers, TimeKey>>;
export async function listCancellations(
  sql: Sql,
  clinicId: number,
  status?: CancellationStatus,
  page?: PageRequest<TimeKey>,
): Promise<CancellationWithOffers[] | Page<CancellationWithOffers, TimeKey>> {
  const after = page?.after;
  // The order names the table's columns: a bare `id` there would be the selected `id::text`, which
  // orders '9' after '10', unlike the key and the index.
  const rows = await sql<CancellationRow[]>`
    ${SELECT_CANCELLATIONS(sql)}
    where clinic_id = ${clinicId} ${status === undefined ? sql`` : sql`and status = ${status}`}
      ${after === undefined ? sql`` : sql`and (created_at, id) < (${after.at}::text::timestamptz, ${after.id}::bigint)`}
    order by cancellation_events.created_at desc, cancellation_events.id desc
    limit ${page === undefined ? UNPAGED_LIMIT : page.limit + 1}`;
  const read: Page<CancellationRow, TimeKey> =
    page === undefined ? { items: rows, next: null } : takePage(rows, page.limit, (r) => ({ at: r.key_at, id: r.id }));
  const offers = await listOffers(
    sql,
    read.items.map((r) => r.id),
  );
  const listed = mapPage(read, (r): CancellationWithOffers => ({ ...fromRow(r), offers: offers.get(r.id) ?? [] }));
  return page === undefined ? listed.items : listed;
}

/** The offers of `cancellationIds`, by cancellation, oldest first. */
async function listOffers(sql: Sql, cancellationIds: readonly string[]): Promise<Map<string, Offer[]>> {
  const byCancellation = new Map<string, Offer[]>();
  if (cancellationIds.length === 0) return byCancellation;
  const rows = await sql<
    {
      id: string;
      cancellation_id: string;
      phone: string;
      state: OfferState;
      batch_number: number;
      sent_at: Date;
      texted_at: Date | null;
      hold_expires_at: Date;
    }[]
  >`
    select id::text, cancellation_id::text, phone, state, batch_number, sent_at, texted_at, hold_expires_at from offers
    where cancellation_id in ${sql(cancellationIds)}
    order by sent_at, id`;
  for (const r of rows) {
    const offers = byCancellation.get(r.cancellation_id) ?? [];
    offers.push({
      id: r.id,
      phone: r.phone,
      state: r.state,
      batchNumber: r.batch_number,
      sentAt: r.sent_at,
      textedAt: r.texted_at,
      holdExpiresAt: r.hold_expires_at,
    });
    byCancellation.set(r.cancellation_id, offers);
  }
  return byCancellation;
}

/** The start input of `cancellation`'s offer workflow: its slot and the clinic's offer settings now. */
export async function offerWorkflowInput(sql: Sql, clinic: Pick<Clinic, 'id' | 'slug'>, cancellation: Cancellation): Promise<CancellationOfferInput> {
  const settings = await getClinicSettings(sql, clinic.id);
  return {
    cancellationId: cancellation.id,
    clinicId: clinic.id,
    clinicSlug: clinic.slug,
    slotStartAt: cancellation.slotStartAt.toISOString(),
    settings: {
      batchSize: settings.offerBatchSize,
      holdMinutes: settings.offerHoldMinutes,
      maxOffersPerDay: settings.maxOffersPerDay,
      leadMinutes: settings.offerLeadMinutes,
      timezone: settings.timezone,
      contactHours: { start: settings.contactHoursStart, end: settings.contactHoursEnd },
    },
  };
}
