/**
 * The clinic's texts both ways (`messages`) as the JSON API's message log reads them
 * (`GET /api/messages`): newest first, ties by `id` (the higher first), a page at a time (keyset, see
 * `keysetPage.ts`) through the `messages_newest` index, or `messages_phone` for one patient.
 */
import { KEY_TIME_FORMAT, mapPage, takePage, type Page, type PageRequest, type TimeKey } from '../db/keysetPage.js';
import type { Sql } from '../db/sql.js';

/** One text in the log. `id` is the bigserial as a string; `from` and `to` are E.164 or `whatsapp:+E164`. */
export interface LoggedMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  channel: 'sms' | 'whatsapp';
  from: string;
  to: string;
  body: string;
  /** Twilio's message status (`received`, `delivered`, …; a TwiML reply is `accepted` until its first status callback). */
  status: string;
  errorCode: number | null;
  /**
   * An outbound text the provider has not taken (no MessageSid; a TwiML reply, `accepted` until its first status callback names its MessageSid, aside): what
   * it answered the last try (null: nothing yet, or a refusal its error code tells) and until when it is
   * tried (src/messaging/unsentDeliveries.ts). Null for every other text.
   */
  unsent: { sendError: string | null; sendUntil: Date | null } | null;
  createdAt: Date;
}

interface MessageRow {
  id: string;
  direction: 'inbound' | 'outbound';
  channel: 'sms' | 'whatsapp';
  from_address: string;
  to_address: string;
  body: string;
  status: string;
  error_code: number | null;
  unsent: boolean;
  send_error: string | null;
  send_until: Date | null;
  created_at: Date;
  key_at: string;
}

/** The page of `clinicId`'s texts after `page.after`, newest first; only those with patient `phone` (E.164) when given. */
export async function listMessages(sql: Sql, clinicId: number, filter: { phone?: string }, page: PageRequest<TimeKey>): Promise<Page<LoggedMessage, TimeKey>> {
  const { after } = page;
  const rows = await sql<MessageRow[]>`
    select id, direction, channel, from_address, to_address, body, status, error_code,
           direction = 'outbound' and provider_sid is null and status <> 'accepted' as unsent, send_error, send_until, created_at,
           to_char(created_at at time zone 'UTC', ${KEY_TIME_FORMAT}) as key_at
    from messages
    where clinic_id = ${clinicId} ${filter.phone === undefined ? sql`` : sql`and phone = ${filter.phone}`}
      ${after === undefined ? sql`` : sql`and (created_at, id) < (${after.at}::text::timestamptz, ${after.id}::bigint)`}
    order by created_at desc, id desc
    limit ${page.limit + 1}`;
  return mapPage(
    takePage(rows, page.limit, (r) => ({ at: r.key_at, id: r.id })),
    (m): LoggedMessage => ({
      id: m.id,
      direction: m.direction,
      channel: m.channel,
      from: m.from_address,
      to: m.to_address,
      body: m.body,
      status: m.status,
      errorCode: m.error_code,
      unsent: m.unsent ? { sendError: m.send_error, sendUntil: m.send_until } : null,
      createdAt: m.created_at,
    }),
  );
}
