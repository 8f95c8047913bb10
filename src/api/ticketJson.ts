/**
 * The wire shape of a ticket in the JSON API (snake_case; the phone masked to its last four digits).
 */
import type { TicketView } from '../workflows/definitions.js';

/** `{ code, state, position, eta_minutes, joined_at, phone, channel, note }`; ETA in minutes. */
export function ticketJson(t: TicketView) {
  return {
    code: t.code,
    state: t.state,
    position: t.position,
    eta_minutes: t.etaMinutes,
    joined_at: t.joinedAt,
    phone: t.phoneMasked,
    channel: t.channel,
    note: t.note,
  };
}
