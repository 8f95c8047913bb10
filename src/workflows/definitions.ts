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

// The CLI's and the operator service's names for the SDK's search attribute types.
const SEARCH_ATTRIBUTE_TYPE_NAMES = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime' } as const;
type SearchAttributeTypeName = (typeof SEARCH_ATTRIBUTE_TYPE_NAMES)[keyof typeof SEARCH_ATTRIBUTE_TYPE_NAMES];

/**
 * The same keys as `name → type` (`Keyword`…) for `temporal server start-dev --search-attribute
 * Name=Type` and the operator service, derived from `searchAttributes` so each is declared once.
 */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, SearchAttributeTypeName> = Object.fromEntries(
  Object.values(searchAttributes).map((key) => [key.name, SEARCH_ATTRIBUTE_TYPE_NAMES[key.type as keyof typeof SEARCH_ATTRIBUTE_TYPE_NAMES]]),
);

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
export const ticketQuery = defineQuery<{ state: TicketState | 'opening' | 'merged' | 'unopened'; code: string; reminded: boolean }>('ticket');

/**
 * How a ticket workflow ended. `merged` when the phone already held an open ticket (`into`);
 * `unopened` when its row could not be written (`reason`; the join update failed with `TicketNotOpened`).
 */
export type TicketOutcome = { state: TicketState } | { state: 'merged'; into: string } | { state: 'unopened'; reason: string };

/**
 * Every `ApplicationFailure.type` the workflows and activities raise or list as non-retryable.
 * `IllegalTransition` (409) and `InvalidRequest` (422) mean the caller asked for something the
 * workflow refuses; the others are failures of a step (503 or 500 at the API).
 */
export const FailureType = {
  /** A move the state machine does not allow from the ticket's current state. */
  IllegalTransition: 'IllegalTransition',
  /** The SMS/WhatsApp provider refused a message for good (opted out, invalid number). */
  MessageRejected: 'MessageRejected',
  /** The SMS/voice provider asked us to wait (429 with Retry-After): retried no sooner than it asked. */
  ProviderBusy: 'ProviderBusy',
  /** The ticket code is held by another open ticket. */
  CodeTaken: 'CodeTaken',
  /** The workflow's ticket row is gone. */
  TicketMissing: 'TicketMissing',
  /** Input no retry can fix: Postgres refused it (SQLSTATE class 22, 23 or 42) or it failed its schema. */
  InvalidData: 'InvalidData',
  /** The ticket could not be opened; its workflow ended without a ticket. */
  TicketNotOpened: 'TicketNotOpened',
  /** A patient's answer to a prompt the workflow no longer waits for (answered, replaced or lapsed). */
  AnswerNotAwaited: 'AnswerNotAwaited',
  /** An update argument the workflow cannot act on (a time in the past, a malformed date). */
  InvalidRequest: 'InvalidRequest',
  /**
   * The slot's provider has been made inactive: an offer workflow's round, texts or booking is refused
   * (nothing written or sent) and the workflow withdraws the slot as a staff abort does.
   */
  ProviderInactive: 'ProviderInactive',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export type { TicketNotice };
