/**
 * A patient's phone as the phone simulator shows it: the clinic's messages with that number both ways
 * (the message log), the console call waiting on its keypad, and the numbers recently in touch.
 */
import type { Sql } from '../db/sql.js';

/** One text with the patient, either way, as the log holds it. */
export interface ConversationMessage {
  id: number;
  direction: 'inbound' | 'outbound';
  channel: 'sms' | 'whatsapp';
  body: string;
  /** Twilio's message status (`received`, `accepted`, `sent`, `delivered`, `undelivered`, `failed`, …). */
  status: string;
  /** Twilio's error code when sending failed (e.g. 30006), else null. */
  errorCode: number | null;
  createdAt: Date;
}

/** A console call to the patient that was answered and waits for a key (`calls.console_gather_url` set). */
export interface WaitingCall {
  callSid: string;
  createdAt: Date;
}

/** Most messages a conversation shows: the newest this many. */
export const CONVERSATION_LIMIT = 100;

/** The newest `CONVERSATION_LIMIT` messages between clinic `clinicId` and `phone` (E.164), oldest first. */
export async function listConversation(sql: Sql, clinicId: number, phone: string): Promise<ConversationMessage[]> {
  const rows = await sql<
    { id: string; direction: 'inbound' | 'outbound'; channel: 'sms' | 'whatsapp'; body: string; status: string; error_code: number | null; created_at: Date }[]
  >`
    select id, direction, channel, body, status, error_code, created_at from messages
    where clinic_id = ${clinicId} and phone = ${phone}
    order by created_at desc, id desc limit ${CONVERSATION_LIMIT}`;
  return rows
    .map((m) => ({
      id: Number(m.id),
      direction: m.direction,
      channel: m.channel,
      body: m.body,
      status: m.status,
      errorCode: m.error_code,
      createdAt: m.created_at,
    }))
    .reverse();
}

/** The newest console call from clinic `clinicId` to `phone` (E.164) that is in progress and waits for a key, if any. */
export async function findWaitingCall(sql: Sql, clinicId: number, phone: string): Promise<WaitingCall | undefined> {
  const [row] = await sql<{ call_sid: string; created_at: Date }[]>`
    select call_sid, created_at from calls
    where clinic_id = ${clinicId} and phone = ${phone} and status = 'in-progress' and console_gather_url is not null and call_sid is not null
    order by created_at desc, id desc limit 1`;
  return row === undefined ? undefined : { callSid: row.call_sid, createdAt: row.created_at };
}

/** The `limit` numbers (E.164) of clinic `clinicId` with the latest texts, newest first. */
export async function listRecentPhones(sql: Sql, clinicId: number, limit: number): Promise<string[]> {
  const rows = await sql<{ phone: string }[]>`
    select phone from messages where clinic_id = ${clinicId} group by phone order by max(created_at) desc limit ${limit}`;
  return rows.map((r) => r.phone);
}
