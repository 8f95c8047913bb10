/**
 * The texts that led to a visit booked from a waitlist offer: the offer the winner was sent (and any
 * notice of that offer) and the confirmation that answered their YES. Neither is one of the
 * appointment's own messages (the chain starts confirmed and sends none at booking), so without them
 * the Appointments page would say "none yet" of a visit the patient was texted about twice.
 */
import type { Sql } from '../db/sql.js';

/** One outbound text of the winning offer: its kind (`offer`, `offer_won`, …), channel, latest status and error code, and when it was logged. */
export interface OfferText {
  kind: string;
  channel: 'sms' | 'whatsapp';
  status: string;
  errorCode: number | null;
  at: Date;
}

/**
 * The latest text of the winning offer behind each of `appointmentIds` (ids as text) that filled a
 * cancellation, by appointment id; an appointment booked any other way is absent. The offer's texts are
 * those logged with its `offer_id` (key `offer:<id>` or `offer:<id>:<kind>`); the confirmation is the
 * TwiML reply (key `reply:<MessageSid>`) to the winner's last inbound text logged by the time the offer
 * was answered, the YES that won it, and counts as `offer_won`. One query; none for no ids.
 */
export async function listOfferTextsByAppointment(sql: Sql, appointmentIds: readonly string[]): Promise<Map<string, OfferText>> {
  if (appointmentIds.length === 0) return new Map();
  const rows = await sql<{ appointment_id: string; key: string; channel: OfferText['channel']; status: string; error_code: number | null; at: Date }[]>`
    with won as (
      select c.filled_by_appointment_id::text as appointment_id, o.id as offer_id, o.clinic_id, o.phone, o.answered_at
      from cancellation_events c
      join appointments a on a.id = c.filled_by_appointment_id
      join offers o on o.cancellation_id = c.id and o.state = 'accepted' and o.phone = a.phone
      where c.filled_by_appointment_id = any(${appointmentIds}::bigint[])
    ), texts as (
      select w.appointment_id, m.idempotency_key as key, m.channel, m.status, m.error_code, m.created_at as at, m.id
      from won w join messages m on m.offer_id = w.offer_id and m.direction = 'outbound'
      union all
      select w.appointment_id, 'reply', r.channel, r.status, r.error_code, r.created_at, r.id
      from won w
      cross join lateral (
        select i.provider_sid from messages i
        where i.clinic_id = w.clinic_id and i.phone = w.phone and i.direction = 'inbound' and i.created_at <= w.answered_at
        order by i.created_at desc, i.id desc limit 1) yes
      join messages r on r.idempotency_key = 'reply:' || yes.provider_sid and r.direction = 'outbound'
    )
    select distinct on (appointment_id) appointment_id, key, channel, status, error_code, at from texts
    order by appointment_id, at desc, id desc`;
  return new Map(
    rows.map((row) => [row.appointment_id, { kind: kindOfOfferKey(row.key), channel: row.channel, status: row.status, errorCode: row.error_code, at: row.at }]),
  );
}

/** `offer:<id>` → `offer`, `offer:<id>:<kind>` → `<kind>`, the reply to the winning YES → `offer_won`. */
function kindOfOfferKey(key: string): string {
  if (key === 'reply') return 'offer_won';
  return /^offer:\d+:([a-z_]+)$/.exec(key)?.[1] ?? 'offer';
}
