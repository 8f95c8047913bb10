/**
 * The walk-in ticket's state machine. Imported by workflow code: no I/O, no Node modules.
 */

/** Every state a ticket can be in. */
export const TICKET_STATES = ['waiting', 'next', 'in_room', 'done', 'no_show', 'left', 'expired'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** States in which a ticket is still in line or being seen. */
export const OPEN_TICKET_STATES = ['waiting', 'next', 'in_room'] as const satisfies readonly TicketState[];

/** The transitions staff may make from the board or API. */
export const STAFF_TARGET_STATES = ['next', 'in_room', 'done', 'no_show'] as const satisfies readonly TicketState[];
export type StaffTargetState = (typeof STAFF_TARGET_STATES)[number];

const ALLOWED: Record<TicketState, readonly TicketState[]> = {
  waiting: ['next', 'left', 'expired'],
  next: ['in_room', 'no_show', 'left', 'expired'],
  in_room: ['done'],
  done: [],
  no_show: [],
  left: [],
  expired: [],
};

/** Whether `from → to` is a legal move (waiting→next→in_room→done; next→no_show; waiting|next→left|expired). */
export function canTransition(from: TicketState, to: TicketState): boolean {
  return ALLOWED[from].includes(to);
}

/** The states staff can move a ticket to from `from` (drives the board's buttons). */
export function staffTransitionsFrom(from: TicketState): StaffTargetState[] {
  return STAFF_TARGET_STATES.filter((to) => canTransition(from, to));
}

/** Whether a ticket in `state` is still open (in line or in a room). */
export function isOpenState(state: TicketState): boolean {
  return (OPEN_TICKET_STATES as readonly TicketState[]).includes(state);
}
