/**
 * Every attempt to deliver each of an appointment's messages, from the message and call logs: what
 * staff see of a reminder that fell back from WhatsApp to SMS to a call (`GET /api/appointments/{id}`), and
 * each card's last message on the Appointments page.
 */
import type { Sql } from '../db/sql.js';
import type { DeliveryChannel } from '../domain/deliveryFallback.js';
import { kindOfMessageKey } from '../workflows/appointmentDefinitions.js';

/**
 * One attempt: its channel, Twilio sid, latest status and error code, why it went on this channel (a
 * fallback; null for a first attempt), what a call came to, and when (UTC).
 */
export interface DeliveryAttempt {
  channel: DeliveryChannel;
  sid: string | null;
  status: string;
  errorCode: number | null;
  note: string | null;
  /**
   * A text or call the provider has not taken (no sid): what it answered the last try (null: nothing
   * yet, or a refusal its error code tells) and until when it is tried (src/messaging/unsentDeliveries.ts).
   * Null once the provider took it.
   */
  unsent: { sendError: string | null; sendUntil: Date | null } | null;
  /** Calls: what the call came to (`voicemail left`, `no choice on the keypad`, …); null for a text, or a call with none. */
  outcomeNote: string | null;
  /** Calls: who answered (Twilio's AnsweredBy) and the patient's keypad choice. */
  answeredBy: string | null;
  choice: string | null;
  at: Date;
}

/** One message of the chain (a reminder, a confirmation, …) with its attempts, oldest first. */
export interface Delivery {
  /** The message kind (`reminder`, `booking_confirmation`, …; `call_reply`: the text after a keypad choice). */
  kind: string;
  /** The message's idempotency key, shared by its attempts. */
  key: string;
  attempts: DeliveryAttempt[];
}

/** The kind of message a delivery key names: the chain's (`reminder`, …), `call_reply` for the text after a call's keypad choice. */
function kindOf(key: string): string {
  return kindOfMessageKey(key) ?? (key.startsWith('call:') ? 'call_reply' : 'message');
}

/** The deliveries of appointment `appointmentId`, in the order their first attempt went. */
export async function listDeliveries(sql: Sql, appointmentId: string): Promise<Delivery[]> {
  return (await listDeliveriesByAppointment(sql, [appointmentId])).get(appointmentId) ?? [];
}

/**
 * The deliveries of each of `appointmentIds` (ids as text), as `listDeliveries` gives them, by
 * appointment id; an appointment with none is absent. One query for all of them (a day's page), none
 * for no ids.
 */
export async function listDeliveriesByAppointment(sql: Sql, appointmentIds: readonly string[]): Promise<Map<string, Delivery[]>> {
  if (appointmentIds.length === 0) return new Map();
  const rows = await sql<
    (Omit<DeliveryAttempt, 'errorCode' | 'unsent' | 'outcomeNote' | 'answeredBy'> & {
      appointment_id: string;
      key: string;
      error_code: number | null;
      send_error: string | null;
      send_until: Date | null;
      outcome_note: string | null;
      answered_by: string | null;
    })[]
  >`
    select appointment_id::text, delivery_key as key, channel, provider_sid as sid, status, error_code, note, send_error, send_until,
      null as outcome_note, null as answered_by, null as choice, created_at as at, id, 0 as source
    from messages where appointment_id = any(${appointmentIds}::bigint[]) and direction = 'outbound' and delivery_key is not null
    union all
    select appointment_id::text, delivery_key, 'voice', call_sid, status, error_code, note, send_error, send_until, outcome_note, answered_by, choice,
      created_at, id, 1
    from calls where appointment_id = any(${appointmentIds}::bigint[]) and delivery_key is not null
    order by appointment_id, at, source, id`;
  const byAppointment = new Map<string, Map<string, Delivery>>();
  for (const row of rows) {
    let byKey = byAppointment.get(row.appointment_id);
    if (byKey === undefined) {
      byKey = new Map();
      byAppointment.set(row.appointment_id, byKey);
    }
    let delivery = byKey.get(row.key);
    if (delivery === undefined) {
      delivery = { kind: kindOf(row.key), key: row.key, attempts: [] };
      byKey.set(row.key, delivery);
    }
    delivery.attempts.push({
      channel: row.channel,
      sid: row.sid,
      status: row.status,
      errorCode: row.error_code,
      note: row.note,
      // Outbound, so only a TwiML reply (`accepted`, its sid told by its first status callback) has no sid and was taken.
      unsent: row.sid === null && row.status !== 'accepted' ? { sendError: row.send_error, sendUntil: row.send_until } : null,
      outcomeNote: row.outcome_note,
      answeredBy: row.answered_by,
      choice: row.choice,
      at: row.at,
    });
  }
  return new Map([...byAppointment].map(([id, byKey]) => [id, [...byKey.values()]]));
}
