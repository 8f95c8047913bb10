/**
 * The clinic's message and call log as staff read it on the Messages and calls page: texts both ways
 * (`messages`) and reminder calls (`calls`) in one list, newest first, with the delivery status and
 * error code the status callbacks left, filtered and paged in SQL.
 */
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
  /** Why it went on this channel (a fallback); null for a first attempt and an inbound text. */
  note: string | null;
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
 * Up to `page.limit` entries matching `filters` after skipping `page.offset`, newest first (ties: texts
 * before calls, then by id). Reads the `messages_newest` / `calls_newest` indexes.
 */
export async function listLogEntries(sql: Sql, clinicId: number, filters: LogFilters, page: { limit: number; offset: number }): Promise<LogEntry[]> {
  const where = (table: 'm' | 'c') => {
    const kind = table === 'm' ? 'message' : 'call';
    return sql`
      ${filters.phone === undefined ? sql`` : sql`and ${sql(table)}.phone = ${filters.phone}`}
      ${filters.direction === undefined ? sql`` : kind === 'call' ? sql`and ${filters.direction} = 'outbound'` : sql`and m.direction = ${filters.direction}`}
      ${filters.channel === undefined ? sql`` : kind === 'call' ? sql`and ${filters.channel} = 'voice'` : sql`and m.channel = ${filters.channel}`}
      ${filters.status === undefined ? sql`` : sql`and ${sql(table)}.status = ${filters.status}`}
      ${filters.between === undefined ? sql`` : sql`and ${sql(table)}.created_at >= ${filters.between.from} and ${sql(table)}.created_at < ${filters.between.to}`}`;
  };
  const rows = await sql<
    {
      kind: LogEntryKind;
      id: string;
      direction: LogEntry['direction'];
      channel: LogEntry['channel'];
      phone: string;
      body: string | null;
      status: string;
      error_code: number | null;
      note: string | null;
      outcome_note: string | null;
      answered_by: string | null;
      choice: string | null;
      created_at: Date;
    }[]
  >`
    select 'message' as kind, m.id, m.direction, m.channel, m.phone, m.body, m.status, m.error_code, m.note, null::text as outcome_note,
      null::text as answered_by, null::text as choice, m.created_at, 0 as source
    from messages m where m.clinic_id = ${clinicId} ${where('m')}
    union all
    select 'call', c.id, 'outbound', 'voice', c.phone, null, c.status, c.error_code, c.note, c.outcome_note, c.answered_by, c.choice, c.created_at, 1
    from calls c where c.clinic_id = ${clinicId} ${where('c')}
    order by created_at desc, source, id desc
    limit ${page.limit} offset ${page.offset}`;
  return rows.map((row) => ({
    kind: row.kind,
    id: String(row.id),
    direction: row.direction,
    channel: row.channel,
    phone: row.phone,
    body: row.body,
    status: row.status,
    errorCode: row.error_code,
    note: row.note,
    outcomeNote: row.outcome_note,
    answeredBy: row.answered_by,
    choice: row.choice,
    createdAt: row.created_at,
  }));
}
