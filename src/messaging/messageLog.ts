/**
 * The clinic's message and call log as staff read it on the Messages and calls page: texts both ways
 * (`messages`) and reminder calls (`calls`) in one list, newest first, with the delivery status and
 * error code the status callbacks left, filtered in SQL and paged by keyset (a page link holds the
 * place of the entry it goes on from, not an offset).
 */
import { KEY_TIME_FORMAT } from '../db/keysetPage.js';
import type { Sql } from '../db/sql.js';

/** What a log entry is: a text (`messages`) or a call (`calls`). */
export type LogEntryKind = 'message' | 'call';

/** The channels the log holds: the texts' and `voice` for calls. */
export const LOG_CHANNELS = ['sms', 'whatsapp', 'voice'] as const;

/** Every status an entry can have: Twilio's message statuses, then its call statuses. */
export const LOG_STATUSES = [
  'received',
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'undelivered',
  'failed',
  'canceled',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
] as const;

/** One entry of the log. `body` is null for a call; `phone` is the patient's E.164 number. */
export interface LogEntry {
  kind: LogEntryKind;
  id: string;
  direction: 'inbound' | 'outbound';
  channel: (typeof LOG_CHANNELS)[number];
  phone: string;
  body: string | null;
  status: string;
  errorCode: number | null;
  /** Why it went on this channel (a fallback), and that it was found at Twilio after a lost answer (src/messaging/lostAnswers.ts); null for a first attempt and an inbound text. */
  note: string | null;
  /**
   * An outbound text or a call the provider has not taken (no MessageSid or CallSid; a TwiML reply,
   * `accepted` until its first status callback names its MessageSid, aside): what it answered the last try (null: nothing yet, or a refusal its error code
   * tells) and until when it is tried (src/messaging/unsentDeliveries.ts). Null for every other entry.
   */
  unsent: { sendError: string | null; sendUntil: Date | null } | null;
  /** Calls: what the call came to (`voicemail left`, `no choice on the keypad`, …); null for a text, or a call with none. */
  outcomeNote: string | null;
  /** Calls: Twilio's AnsweredBy and the keypad choice. */
  answeredBy: string | null;
  choice: string | null;
  createdAt: Date;
}

/** Filters, each optional: one patient's number (E.164), a direction, a channel, a status, and an instant range. */
export interface LogFilters {
  phone?: string | undefined;
  direction?: 'inbound' | 'outbound' | undefined;
  channel?: (typeof LOG_CHANNELS)[number] | undefined;
  status?: string | undefined;
  /** `[from, to)`: e.g. one clinic-local day. */
  between?: { from: Date; to: Date } | undefined;
}

/**
 * An entry's place in the log's order (newest first; at one instant texts before calls; then the higher
 * `id` first): its time exactly as Postgres keeps it (`KEY_TIME_FORMAT`, to the microsecond), its kind
 * and its id. A page link holds one.
 */
export interface LogKey {
  /** ISO 8601 UTC with six fractional digits. */
  at: string;
  kind: LogEntryKind;
  id: string;
}

/** Which page to read: the newest, or `limit` entries older or newer than the entry at `from.key`. */
export interface LogPageRequest {
  limit: number;
  from?: { direction: 'older' | 'newer'; key: LogKey } | undefined;
}

/** One page, newest first, and the keys its "Newer" / "Older" links go on from (null: none that way). */
export interface LogPage {
  entries: LogEntry[];
  /** The page's first entry's key when newer entries exist. */
  newer: LogKey | null;
  /** The page's last entry's key when older entries exist. */
  older: LogKey | null;
}

interface LogRow {
  kind: LogEntryKind;
  id: string;
  direction: LogEntry['direction'];
  channel: LogEntry['channel'];
  phone: string;
  body: string | null;
  status: string;
  error_code: number | null;
  note: string | null;
  unsent: boolean;
  send_error: string | null;
  send_until: Date | null;
  outcome_note: string | null;
  answered_by: string | null;
  choice: string | null;
  created_at: Date;
  key_at: string;
}

/** At one instant texts sort before calls: in the order (all descending) a text's rank is the higher (the query's `rank` column). */
const RANK: Record<LogEntryKind, number> = { message: 1, call: 0 };

const keyOf = (row: LogRow): LogKey => ({ at: row.key_at, kind: row.kind, id: row.id });

/**
 * Up to `limit` entries of `clinicId`'s log matching `filters`, going `direction` from the entry at
 * `key` (none: from the newest): `older` newest first, `newer` oldest first (nearest the key first).
 * Keyset paging (`src/db/keysetPage.ts`) over the order `created_at desc, rank desc, id desc`: each
 * table gives its `limit` entries nearest the key, read in order from its own index (`messages_newest`
 * or, for one number, `messages_by_clinic_phone`; `calls_newest`, or `calls_by_clinic_phone`), and the page is the nearest
 * `limit` of those, so no more than twice a page is ever sorted.
 */
async function readLog(
  sql: Sql,
  clinicId: number,
  filters: LogFilters,
  direction: 'older' | 'newer',
  key: LogKey | undefined,
  limit: number,
): Promise<LogRow[]> {
  /** `table`'s rows on `direction`'s side of `key` in the order, as a range of (created_at, id). */
  const beyond = (table: 'm' | 'c', kind: LogEntryKind) => {
    if (key === undefined) return sql``;
    const at = sql`${key.at}::text::timestamptz`;
    const [time, id] = [sql`${sql(table)}.created_at`, sql`${sql(table)}.id`];
    const older = direction === 'older';
    if (RANK[kind] === RANK[key.kind])
      return older ? sql`and (${time}, ${id}) < (${at}, ${key.id}::bigint)` : sql`and (${time}, ${id}) > (${at}, ${key.id}::bigint)`;
    // Of the other kind, a row at the key's own instant is older when its kind ranks below the key's.
    const sameInstantOlder = RANK[kind] < RANK[key.kind];
    if (older) return sameInstantOlder ? sql`and ${time} <= ${at}` : sql`and ${time} < ${at}`;
    return sameInstantOlder ? sql`and ${time} > ${at}` : sql`and ${time} >= ${at}`;
  };
  const where = (table: 'm' | 'c') => {
    const kind = table === 'm' ? 'message' : 'call';
    return sql`
      ${filters.phone === undefined ? sql`` : sql`and ${sql(table)}.phone = ${filters.phone}`}
      ${filters.direction === undefined ? sql`` : kind === 'call' ? sql`and ${filters.direction} = 'outbound'` : sql`and m.direction = ${filters.direction}`}
      ${filters.channel === undefined ? sql`` : kind === 'call' ? sql`and ${filters.channel} = 'voice'` : sql`and m.channel = ${filters.channel}`}
      ${filters.status === undefined ? sql`` : sql`and ${sql(table)}.status = ${filters.status}`}
      ${filters.between === undefined ? sql`` : sql`and ${sql(table)}.created_at >= ${filters.between.from} and ${sql(table)}.created_at < ${filters.between.to}`}
      ${beyond(table, kind)}`;
  };
  const older = direction === 'older';
  const order = older ? sql`created_at desc, rank desc, id desc` : sql`created_at, rank, id`;
  /** One table's order: each half takes its own `limit` nearest the key from its index, then the two are merged. */
  const tableOrder = (table: 'm' | 'c') =>
    older ? sql`${sql(table)}.created_at desc, ${sql(table)}.id desc` : sql`${sql(table)}.created_at, ${sql(table)}.id`;
  return sql<LogRow[]>`
    (select 'message' as kind, m.id, m.direction, m.channel, m.phone, m.body, m.status, m.error_code, m.note,
       m.direction = 'outbound' and m.provider_sid is null and m.status <> 'accepted' as unsent, m.send_error, m.send_until, null::text as outcome_note,
       null::text as answered_by, null::text as choice, m.created_at, to_char(m.created_at at time zone 'UTC', ${KEY_TIME_FORMAT}) as key_at,
       1 as rank
     from messages m where m.clinic_id = ${clinicId} ${where('m')}
     order by ${tableOrder('m')} limit ${limit})
    union all
    (select 'call', c.id, 'outbound', 'voice', c.phone, null, c.status, c.error_code, c.note, c.call_sid is null, c.send_error, c.send_until, c.outcome_note,
       c.answered_by, c.choice, c.created_at, to_char(c.created_at at time zone 'UTC', ${KEY_TIME_FORMAT}), 0
     from calls c where c.clinic_id = ${clinicId} ${where('c')}
     order by ${tableOrder('c')} limit ${limit})
    order by ${order}
    limit ${limit}`;
}

/**
 * A page of `clinicId`'s log matching `filters`, newest first: the newest `page.limit` entries, or the
 * `page.limit` entries older or newer than `page.from.key` (keyset, so entries logged meanwhile do not
 * shift the page, and entries sharing an instant are never skipped or repeated). A "newer" page that
 * would hold fewer than `page.limit` entries is the newest page instead, so pages stay full. `newer` and
 * `older` say whether entries lie beyond the page each way (each checked with a one-row read).
 */
export async function listLogPage(sql: Sql, clinicId: number, filters: LogFilters, page: LogPageRequest): Promise<LogPage> {
  const exists = async (direction: 'older' | 'newer', key: LogKey) => (await readLog(sql, clinicId, filters, direction, key, 1)).length > 0;
  if (page.from?.direction === 'newer') {
    const rows = await readLog(sql, clinicId, filters, 'newer', page.from.key, page.limit + 1);
    if (rows.length > page.limit) {
      const found = rows.slice(0, page.limit).reverse();
      const last = keyOf(found.at(-1)!);
      return { entries: found.map(entryOf), newer: keyOf(found[0]!), older: (await exists('older', last)) ? last : null };
    }
  }
  const from = page.from?.direction === 'older' ? page.from.key : undefined;
  const rows = await readLog(sql, clinicId, filters, 'older', from, page.limit + 1);
  const found = rows.slice(0, page.limit);
  const first = found[0] === undefined ? from : keyOf(found[0]);
  return {
    entries: found.map(entryOf),
    newer: from !== undefined && first !== undefined && (await exists('newer', first)) ? first : null,
    older: rows.length > page.limit ? keyOf(found.at(-1)!) : null,
  };
}

function entryOf(row: LogRow): LogEntry {
  return {
    kind: row.kind,
    id: String(row.id),
    direction: row.direction,
    channel: row.channel,
    phone: row.phone,
    body: row.body,
    status: row.status,
    errorCode: row.error_code,
    note: row.note,
    unsent: row.unsent ? { sendError: row.send_error, sendUntil: row.send_until } : null,
    outcomeNote: row.outcome_note,
    answeredBy: row.answered_by,
    choice: row.choice,
    createdAt: row.created_at,
  };
}
