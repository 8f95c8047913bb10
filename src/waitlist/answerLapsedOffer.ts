/**
 * A waitlist patient who says YES or NO after their offer's hold ran out, or after staff withdrew the
 * slot (an aborted cancellation: they were told so). The offer's question has closed, so the reply router finds nothing to give the answer to; without this the patient would read
 * "sorry, we didn't understand. Reply JOIN to get in line", as if they had texted nonsense. A YES is
 * told instead, in the clinic's `offer_withdrawn` wording, that the opening is no longer theirs to take
 * and that they stay on the list; a NO, in the `offer_declined` wording a NO within the hold gets,
 * that they stay on the list.
 */
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';

/**
 * The reply to a YES or NO (already read as one: `readOfferAnswer` gave `meaning`) from `phone` (E.164)
 * at `clinic` that no open question took, when the patient's latest offer there lapsed unanswered
 * (`expired`) or was withdrawn with its slot (`canceled`, the cancellation `aborted`), its slot is still ahead, and their waitlist entry is still active (the reply promises
 * they stay on it): for `take` the `offer_withdrawn` text for that slot, for `pass` the `offer_declined`
 * text, in `language`. Otherwise null, and the caller answers as to any stray text.
 */
export async function answerLapsedOffer(sql: Sql, clinic: Clinic, phone: string, language: string, meaning: 'take' | 'pass'): Promise<string | null> {
  const [lapsed] = await sql<{ slot_start_at: Date; location: string }[]>`
    select c.slot_start_at, c.location
    from (
      select o.state, o.cancellation_id, o.entry_id from patients p join offers o on o.clinic_id = p.clinic_id and o.patient_id = p.id
      where p.clinic_id = ${clinic.id} and p.phone_e164 = ${phone}
      order by o.sent_at desc, o.id desc limit 1
    ) o
    join cancellation_events c on c.id = o.cancellation_id
    join waitlist_entries e on e.id = o.entry_id
    where (o.state = 'expired' or (o.state = 'canceled' and c.status = 'aborted')) and c.slot_start_at > now() and e.active`;
  if (lapsed === undefined) return null;
  const { text } = await renderMessage(sql, {
    clinic,
    kind: meaning === 'take' ? 'offer_withdrawn' : 'offer_declined',
    language,
    values: { startsAt: lapsed.slot_start_at, location: lapsed.location },
  });
  return text;
}
