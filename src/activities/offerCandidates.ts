/**
 * Who may be offered a freed slot: the eligibility rules of issue 10 ("The offer workflow") and the
 * per-patient daily cap of offers, as one query over the clinic's waitlist.
 */
import { DateTime } from 'luxon';
import type { Clinic } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import type { SlotRow } from './offerSlots.js';

/** An eligible waitlist entry with what ranking it needs (`rankByPriority`); ids as text. */
export interface CandidateRow {
  entry_id: string;
  patient_id: string;
  phone: string;
  channel: 'sms' | 'whatsapp';
  urgent: boolean;
  manual_boost: number;
  current_appt_at: Date | null;
  joined_at: Date;
}

/**
 * The slot's eligible waitlist entries (issue 10, "The offer workflow"): active; not opted out;
 * preferring the slot's provider, or (naming none) its type or any; not offered this slot before;
 * holding no other pending offer; whose current appointment, if any, is later than the slot; and with
 * fewer than `maxOffersPerDay` offers sent in the clinic's day of `now`. An offer counts on the day its
 * text went (the provider took it: `messages.sent_at`), which a throttled text can put on the day after
 * the offer was made; one ended before its text went (a round refused, or overtaken by the
 * cancellation's end) told the patient nothing and does not count.
 * @returns the entries in no particular order.
 */
export async function eligibleEntries(sql: Sql, slot: SlotRow, clinic: Clinic, now: Date, maxOffersPerDay: number): Promise<CandidateRow[]> {
  const day = DateTime.fromJSDate(now).setZone(clinic.timezone).startOf('day');
  return sql<CandidateRow[]>`
    select e.id::text as entry_id, e.patient_id::text, p.phone_e164 as phone, p.channel, e.urgent, e.manual_boost, e.current_appt_at, e.joined_at
    from waitlist_entries e join patients p on p.id = e.patient_id
    where e.clinic_id = ${slot.clinic_id} and e.active
      and not exists (select 1 from opt_outs o where o.clinic_id = e.clinic_id and o.phone = p.phone_e164)
      and case
            when exists (select 1 from waitlist_entry_providers wp where wp.entry_id = e.id)
              then exists (select 1 from waitlist_entry_providers wp where wp.entry_id = e.id and wp.provider_id = ${slot.provider_id})
            else e.provider_type_preference = 'Any' or e.provider_type_preference = ${slot.provider_type}
          end
      and not exists (select 1 from offers o where o.cancellation_id = ${slot.id} and o.patient_id = e.patient_id)
      and not exists (select 1 from offers o where o.patient_id = e.patient_id and o.state = 'pending')
      and (e.current_appt_at is null or e.current_appt_at > ${slot.slot_start_at})
      and (select count(*) from offers o join messages m on m.idempotency_key = 'offer:' || o.id
           where o.clinic_id = e.clinic_id and o.patient_id = e.patient_id
             and m.sent_at >= ${day.toJSDate()} and m.sent_at < ${day.plus({ days: 1 }).toJSDate()}) < ${maxOffersPerDay}`;
}
