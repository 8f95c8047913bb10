/** The names staff read for each message kind on the Settings page (the template list, the selectors, the WhatsApp table). */
import type { MessageKind } from '../../../domain/messageTemplates.js';

/** Each message kind as the page names it: `reminder` → `Reminder`, `call_reminder` → `Call: reminder menu`. */
export const KIND_LABELS: Record<MessageKind, string> = {
  booking_confirmation: 'Booking confirmation',
  reminder: 'Reminder',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  reschedule_options: 'Reschedule options',
  rescheduled: 'Rescheduled',
  no_open_slots: 'No open slots',
  followup_reminder: 'Follow-up reminder',
  help: 'Help',
  call_reminder: 'Call: reminder menu',
  call_voicemail: 'Call: voicemail',
  call_confirmed: 'Call: confirmed',
  call_cancelled: 'Call: cancelled',
  call_reschedule: 'Call: another time',
  call_goodbye: 'Call: no answer',
  call_unrecorded: 'Call: not recorded',
  call_confirmed_landline: 'Call: confirmed (landline)',
  call_cancelled_landline: 'Call: cancelled (landline)',
  call_reschedule_landline: 'Call: another time (landline)',
  call_wrong_keys: 'Call: wrong keys',
  call_not_a_choice: 'Call: menu after a wrong key',
  call_no_key: 'Call: menu after no key',
  call_no_open_slots: 'Call: no other time open',
  offer: 'Waitlist: offer',
  offer_won: 'Waitlist: slot taken',
  offer_taken: 'Waitlist: slot gone',
  offer_declined: 'Waitlist: declined',
  offer_withdrawn: 'Waitlist: withdrawn',
};
