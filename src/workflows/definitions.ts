/**
 * The contract between the API and the ticket workflows: message definitions, argument and result
 * types, workflow IDs, search attributes and failure types. Bundled into the workflow sandbox, so it
 * imports no Node modules; the API imports this file, never workflow code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { TicketNotice, TicketStanding } from '../domain/patientTexts.js';
import type { TicketState } from '../domain/ticketStates.js';

/** Workflow type name of the walk-in ticket journey. */
export const TICKET_WORKFLOW_TYPE = 'ticketWorkflow';

/** Search attributes that let ops find a journey in the Temporal Web UI (registered at start). */
export const searchAttributes = {
  clinic: defineSearchAttributeKey('FrontdeskClinic', 'KEYWORD'),
  journey: defineSearchAttributeKey('FrontdeskJourney', 'KEYWORD'),
  ticketState: defineSearchAttributeKey('FrontdeskTicketState', 'KEYWORD'),
} as const;

/** The same keys as `name → type` for `temporal server start-dev --search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTE_TYPES = {
  FrontdeskClinic: 'Keyword',
  FrontdeskJourney: 'Keyword',
  FrontdeskTicketState: 'Keyword',
} as const;

/** `FrontdeskJourney` value of a walk-in ticket. */
export const WALK_IN_JOURNEY = 'walk-in-ticket';

/** Readable, unique workflow ID of a ticket: `ticket-<clinic slug>-<YYYY-MM-DD>-<code>`. */
export function ticketWorkflowId(clinicSlug: string, serviceDay: string, code: string): string {
  return `ticket-${clinicSlug}-${serviceDay}-${code}`;
}

/** How a patient reached the line. */
export type TicketChannel = 'sms' | 'whatsapp' | 'kiosk';

/** Start input of `ticketWorkflow`. Times are epoch milliseconds (UTC). */
export interface TicketWorkflowInput {
  clinicId: number;
  clinicSlug: string;
  serviceDay: string;
  code: string;
  phone: string | null;
  channel: TicketChannel;
  note: string | null;
  closesAt: number;
  nextReminderMinutes: number;
}

/** A ticket as staff and the API see it. `joinedAt` is ISO 8601 UTC. */
export interface TicketView extends TicketStanding {
  joinedAt: string;
  phoneMasked: string | null;
  note: string | null;
  channel: TicketChannel;
}

/** The result of `join`: the caller's open ticket; `existing` when the phone already held one. */
export interface JoinResult {
  ticket: TicketView;
  existing: boolean;
}

/** Who asked for a transition: staff (board/API), the patient (LEAVE). */
export interface TransitionRequest {
  to: TicketState;
  by: 'staff' | 'patient';
}

/** JOIN, sent with update-with-start: waits until the ticket is in the line and returns it. */
export const joinUpdate = defineUpdate<JoinResult, []>('join');
/** A move along the state machine; rejected (`IllegalTransition`) when not allowed from the current state. */
export const transitionUpdate = defineUpdate<TicketView, [TransitionRequest]>('transition');
/** The workflow's own view of the ticket. */
export const ticketQuery = defineQuery<{ state: TicketState | 'opening' | 'merged'; code: string; reminded: boolean }>('ticket');

/** How a ticket workflow ended. `merged` when the phone already held an open ticket (`into`). */
export type TicketOutcome = { state: TicketState } | { state: 'merged'; into: string };

/** Failure types the workflows raise, as `ApplicationFailure.type`. */
export const FailureType = {
  IllegalTransition: 'IllegalTransition',
} as const;

export type { TicketNotice };
