/**
 * Reads of the walk-in line from Postgres: open tickets in order, with position and ETA computed at
 * read time, so they are current whenever the line changes.
 */
import type { Sql } from '../db/sql.js';
import { DEFAULT_SERVICE_MINUTES, SERVICE_TIME_SAMPLE, estimateWaitMinutes } from '../domain/eta.js';
import { maskPhone } from '../domain/phone.js';
import type { TicketState } from '../domain/ticketStates.js';
import type { TicketChannel, TicketView } from '../workflows/definitions.js';

/** A ticket row with what the API needs beyond the view. */
export interface TicketRecord extends TicketView {
  workflowId: string;
  phone: string | null;
  /** The clinic-local date (`YYYY-MM-DD`) of the line the ticket is in: a later one than today's after closing time. */
  serviceDay: string;
  /** When staff moved it into a room (ISO 8601 UTC); null before. */
  roomAt: string | null;
}

interface TicketRow {
  workflow_id: string;
  code: string;
  state: TicketState;
  phone: string | null;
  channel: TicketChannel;
  note: string | null;
  joined_at: Date;
  service_day: string;
  room_at: Date | null;
}

/**
 * The clinic's typical time in room, in seconds, as a SQL expression (null with none): the median of
 * `service_seconds` (`in_room` → `done` by staff) over its last `SERVICE_TIME_SAMPLE` (20) such
 * tickets. The median rather than the mean, so that one ticket marked done seconds after the patient
 * went in (a slip on the board), or one left in a room all afternoon, does not pull every ETA with it.
 */
const typicalServiceSeconds = (sql: Sql, clinicId: number) => sql`(
  select percentile_cont(0.5) within group (order by service_seconds) from (
    select service_seconds from tickets
    where clinic_id = ${clinicId} and service_seconds is not null
    order by closed_at desc limit ${SERVICE_TIME_SAMPLE}) recent)`;

/** The service time every ETA is computed with, and how many timed visits it comes from. */
export interface TypicalServiceTime {
  /** `typicalServiceSeconds` in minutes; `DEFAULT_SERVICE_MINUTES` (10) while `visits` is 0. */
  minutes: number;
  /** How many of the clinic's latest visits timed in a room it is the median of (0 to `SERVICE_TIME_SAMPLE`). */
  visits: number;
}

/** The ETA's service time (`typicalServiceSeconds`, in minutes) and the number of visits it is taken over. */
export async function typicalServiceTime(sql: Sql, clinicId: number): Promise<TypicalServiceTime> {
  const [row] = await sql<[{ seconds: number | null; visits: number }]>`
    select ${typicalServiceSeconds(sql, clinicId)}::float8 as seconds,
      (select count(*) from (
        select 1 from tickets where clinic_id = ${clinicId} and service_seconds is not null
        order by closed_at desc limit ${SERVICE_TIME_SAMPLE}) recent)::int as visits`;
  return { minutes: row.seconds === null ? DEFAULT_SERVICE_MINUTES : row.seconds / 60, visits: row.visits };
}

/** The board's rolling average service time: over how many tickets, and their mean in minutes (null with none). */
export interface ServiceTimeToday {
  averageMinutes: number | null;
  tickets: number;
}

/**
 * The rolling average service time the board shows: the mean of called → done (`called_at` to
 * `closed_at`) over the clinic's last `SERVICE_TIME_SAMPLE` (20) tickets that staff finished (`done`
 * from a room, so not the day-end close or a repair) since `since` (the start of the clinic's day).
 */
export async function averageServiceTimeToday(sql: Sql, clinicId: number, since: Date): Promise<ServiceTimeToday> {
  // An aggregate without group by always answers one row.
  const [row] = await sql<[{ seconds: number | null; tickets: number }]>`
    select avg(extract(epoch from (closed_at - called_at)))::float8 as seconds, count(*)::int as tickets from (
      select called_at, closed_at from tickets
      where clinic_id = ${clinicId} and service_seconds is not null and state = 'done' and called_at is not null and closed_at >= ${since}
      order by closed_at desc limit ${SERVICE_TIME_SAMPLE}) recent`;
  return { averageMinutes: row.seconds === null ? null : row.seconds / 60, tickets: row.tickets };
}

function toRecord(row: TicketRow, position: number | null, etaMinutes: number | null): TicketRecord {
  return {
    workflowId: row.workflow_id,
    code: row.code,
    state: row.state,
    position,
    etaMinutes,
    joinedAt: row.joined_at.toISOString(),
    phone: row.phone,
    serviceDay: row.service_day,
    roomAt: row.room_at === null ? null : row.room_at.toISOString(),
    phoneMasked: maskPhone(row.phone),
    note: row.note,
    channel: row.channel,
  };
}

/**
 * The clinic's open tickets: those called (`next`) first, then `waiting` by join time, then `in_room`.
 * Position counts from 1 among tickets not yet in a room; ETA = typical service time × people ahead ÷ rooms open.
 */
export async function listOpenTickets(sql: Sql, clinicId: number): Promise<TicketRecord[]> {
  const [rows, [clinic], typical] = await Promise.all([
    sql<TicketRow[]>`
      select workflow_id, code, state, phone, channel, note, joined_at, service_day::text, room_at from tickets
      where clinic_id = ${clinicId} and state in ('waiting', 'next', 'in_room')
      order by case state when 'next' then 0 when 'waiting' then 1 else 2 end, coalesce(called_at, joined_at), id`,
    sql`select rooms_open from clinics where id = ${clinicId}`,
    typicalServiceTime(sql, clinicId),
  ]);
  const roomsOpen = (clinic?.rooms_open as number | undefined) ?? 1;
  let ahead = 0;
  return rows.map((row) => {
    if (row.state === 'in_room') return toRecord(row, null, null);
    const record = toRecord(row, ahead + 1, estimateWaitMinutes({ peopleAhead: ahead, serviceMinutes: typical.minutes, roomsOpen }));
    ahead += 1;
    return record;
  });
}

/** A ticket that has left the line, with the state it ended in (`done`, `no_show`, `left` or `expired`). */
export interface ClosedTicket {
  code: string;
  state: TicketState;
}

/**
 * The clinic's tickets closed at or after `since` (which must lie within the clinic's retention period,
 * at least 7 days), each code once with the state its latest closing left it in. `purged_at is null`
 * holds for every such ticket, and lets Postgres read the `tickets_unpurged` index rather than every
 * ticket the clinic ever had.
 */
export async function listRecentlyClosedTickets(sql: Sql, clinicId: number, since: Date): Promise<ClosedTicket[]> {
  return sql<ClosedTicket[]>`
    select distinct on (code) code, state from tickets
    where clinic_id = ${clinicId} and purged_at is null and closed_at >= ${since} and state in ('done', 'no_show', 'left', 'expired')
    order by code, closed_at desc`;
}

/** A ticket row with how many open tickets stand before it in line (null for one not in line). */
interface RankedTicketRow extends TicketRow {
  ahead: number | null;
}

/** A ranked row with the clinic's rooms open and its typical service time, read in the same statement. */
interface StandingRow extends RankedTicketRow {
  rooms_open: number;
  typical_seconds: number | null;
}

/**
 * One ticket with its standing, in one statement (a staff move and a JOIN wait on it): the row by
 * its key, the people ahead by a count in SQL (the same order as `listOpenTickets`), the clinic's
 * rooms open and its typical service time, rather than the whole line or one round trip for each.
 */
async function findRankedTicket(sql: Sql, clinicId: number, where: ReturnType<Sql>): Promise<TicketRecord | undefined> {
  const [row] = await sql<StandingRow[]>`
    select t.workflow_id, t.code, t.state, t.phone, t.channel, t.note, t.joined_at, t.service_day::text, t.room_at,
      case when t.state in ('waiting', 'next') then (
        select count(*) from tickets a
        where a.clinic_id = t.clinic_id and a.state in ('waiting', 'next')
          and (case a.state when 'next' then 0 else 1 end, coalesce(a.called_at, a.joined_at), a.id)
            < (case t.state when 'next' then 0 else 1 end, coalesce(t.called_at, t.joined_at), t.id))::int
      end as ahead,
      c.rooms_open,
      ${typicalServiceSeconds(sql, clinicId)}::float8 as typical_seconds
    from tickets t join clinics c on c.id = t.clinic_id
    where t.clinic_id = ${clinicId} and ${where}
    order by (t.state in ('waiting', 'next', 'in_room')) desc, t.joined_at desc
    limit 1`;
  if (row === undefined) return undefined;
  if (row.ahead === null) return toRecord(row, null, null);
  const typical = row.typical_seconds === null ? DEFAULT_SERVICE_MINUTES : row.typical_seconds / 60;
  const eta = estimateWaitMinutes({ peopleAhead: row.ahead, serviceMinutes: typical, roomsOpen: row.rooms_open });
  return toRecord(row, row.ahead + 1, eta);
}

/** The open ticket held by `phone` at the clinic, with its current position and ETA (uses the `tickets_open_phone` index). */
export async function findOpenTicketByPhone(sql: Sql, clinicId: number, phone: string): Promise<TicketRecord | undefined> {
  return findRankedTicket(sql, clinicId, sql`t.phone = ${phone} and t.state in ('waiting', 'next', 'in_room')`);
}

/**
 * The ticket of workflow `workflowId`, with position and ETA while open (null once closed).
 * @returns undefined when no such ticket row exists.
 */
export async function findTicketByWorkflowId(sql: Sql, clinicId: number, workflowId: string): Promise<TicketRecord | undefined> {
  return findRankedTicket(sql, clinicId, sql`t.workflow_id = ${workflowId}`);
}

/** The clinic's ticket with `code`: the open one, else the latest closed one (one statement). */
export async function findTicketByCode(sql: Sql, clinicId: number, code: string): Promise<TicketRecord | undefined> {
  return findRankedTicket(sql, clinicId, sql`t.code = ${code}`);
}

/** Strips the fields staff and patients never see in full (workflow ID, phone), and the service day and room time (the board's). */
export function toTicketView({ workflowId: _w, phone: _p, serviceDay: _d, roomAt: _r, ...view }: TicketRecord): TicketView {
  return view;
}
