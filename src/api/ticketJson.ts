/**
 * The wire shape of a ticket in the JSON API (snake_case; the phone masked to its last four digits).
 */
import { z } from '@hono/zod-openapi';
import { TICKET_STATES } from '../domain/ticketStates.js';
import type { TicketChannel, TicketView } from '../workflows/definitions.js';

const TICKET_CHANNELS = ['sms', 'whatsapp', 'kiosk'] as const satisfies readonly TicketChannel[];

/** A ticket as staff see it; `position` and `eta_minutes` (minutes) are null once it is not in line. */
export const ZTicket = z
  .object({
    code: z.string().meta({ example: 'Q7' }),
    state: z.enum(TICKET_STATES),
    position: z.int().nullable().meta({ description: 'Place in line from 1; null for `in_room` and ended tickets.', example: 1 }),
    eta_minutes: z.int().nullable().meta({ description: 'Estimated wait in minutes; null when `position` is.', example: 0 }),
    joined_at: z.string().meta({ description: 'When the ticket was taken, ISO 8601 UTC.', example: '2026-01-05T14:03:00.000Z' }),
    phone: z.string().nullable().meta({ description: 'Last four digits only; null for a kiosk ticket.', example: '•••• 0123' }),
    channel: z.enum(TICKET_CHANNELS),
    note: z.string().nullable().meta({ description: "The patient's note from `JOIN <note>` or the kiosk, at most 140 characters.", example: 'back pain' }),
  })
  .openapi('Ticket');

/** A ticket on the wire. */
export type TTicket = z.infer<typeof ZTicket>;

/** `{ code, state, position, eta_minutes, joined_at, phone, channel, note }`; ETA in minutes. */
export function ticketJson(t: TicketView): TTicket {
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
