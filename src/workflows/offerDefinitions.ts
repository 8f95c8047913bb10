/**
 * The contract between the API, the webhooks and the waitlist offer workflows
 * (`cancellationOfferWorkflow`): workflow ID, input, updates, signals, query. Bundled into the
 * workflow sandbox, so it imports no Node modules. Instants are ISO 8601 UTC strings unless a field
 * says epoch ms.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ContactHours } from '../domain/reminderPlan.js';
import type { PromptAnswer, PromptOutcome } from './promptDefinitions.js';

/** Workflow type name of a cancellation's offer workflow. */
export const CANCELLATION_OFFER_WORKFLOW_TYPE = 'cancellationOfferWorkflow';

/** `FrontdeskJourney` value of an offer workflow. */
export const CANCELLATION_JOURNEY = 'cancellation-offers';

/** Workflow ID of a cancellation's offer workflow: `cancellation-<clinic slug>-<cancellation id>`. */
export function cancellationWorkflowId(clinicSlug: string, cancellationId: string): string {
  return `cancellation-${clinicSlug}-${cancellationId}`;
}

/** A cancellation's status (`cancellation_events.status`): `open` while its slot is being offered. */
export type CancellationStatus = 'open' | 'filled' | 'expired' | 'aborted';

/** An offer's state (`offers.state`): `pending` while it holds. */
export type OfferState = 'pending' | 'accepted' | 'declined' | 'expired' | 'canceled' | 'failed';

/** How the clinic offers slots, read from its settings when the cancellation was logged. */
export interface OfferSettings {
  /** Patients offered at once. */
  batchSize: number;
  /** Minutes an offer holds. */
  holdMinutes: number;
  /** Offers a patient may get in one clinic day. */
  maxOffersPerDay: number;
  /** A slot starting within this many minutes is no longer offered. */
  leadMinutes: number;
  /** The clinic's IANA time zone. */
  timezone: string;
  /** No offer goes out outside these local hours. */
  contactHours: ContactHours;
}

/** Start input of `cancellationOfferWorkflow`. */
export interface CancellationOfferInput {
  /** `cancellation_events.id` (a bigserial, as a string). */
  cancellationId: string;
  clinicId: number;
  clinicSlug: string;
  slotStartAt: string;
  settings: OfferSettings;
  /** The state of the run this one continues (absent on a new workflow). */
  carried?: CancellationOfferState;
}

/**
 * An offer the workflow made, with the replies it may give at once (rendered when the offer went
 * out, in the patient's language): the update answers without a round trip to Postgres.
 */
export interface OfferRecord {
  /** `offers.id`, as a string. */
  offerId: string;
  /** E.164. */
  phone: string;
  batch: number;
  state: OfferState;
  /** When the hold ends, epoch ms: the offer expires then unless answered. */
  holdExpiresAt: number;
  replies: { won: string; taken: string; declined: string };
}

/** The workflow's state, carried across continue-as-new. */
export interface CancellationOfferState {
  status: CancellationStatus;
  /** Batches sent so far (the current batch's number). */
  batch: number;
  /** Send rounds so far: each call of `sendOffers` is one, its offers keyed by it. */
  round: number;
  offers: OfferRecord[];
  /** The accepted offer, once a YES won. */
  winner: string | null;
  /** Whether the winner's booking and every write of the end are done. */
  settled: boolean;
  /** No round of offers before this instant (epoch ms): set when a round's texts could not be sent (offerRound.ts). */
  nextRoundAt?: number;
}

/** What a staff abort says: who asked (for the log). */
export interface AbortRequest {
  by: string;
}

/** A cancellation as the workflow sees it now. */
export interface CancellationView {
  cancellationId: string;
  status: CancellationStatus;
  batch: number;
  offers: { offerId: string; state: OfferState; batch: number; holdExpiresAt: string }[];
}

/** A final receipt of an offer's text that did not arrive (`failed` or `undelivered`, with Twilio's error code). */
export interface OfferDeliveryFailure {
  offerId: string;
  status: string;
  errorCode: number | null;
}

/** The `patient_prompts.kind` of an offer's YES / NO (for the logs, and the help a HELP gets: `offer_help`). */
export const OFFER_PROMPT_KIND = 'waitlist_offer';

/** A patient's YES or NO to an offer, as the reply router delivers it (`PromptAnswer` with the number). */
export const answerOfferUpdate = defineUpdate<PromptOutcome, [PromptAnswer]>('answerOffer');
/**
 * Staff end the cancellation: pending offers are withdrawn with a short text.
 * Rejected (`IllegalTransition`) once the cancellation is no longer open.
 */
export const abortCancellationUpdate = defineUpdate<CancellationView, [AbortRequest]>('abortCancellation');
/** An offer's text failed to arrive: the offer fails and its place goes to the next candidate. */
export const offerDeliveryFailedSignal = defineSignal<[OfferDeliveryFailure]>('offerDeliveryFailed');
/** A patient opted out (STOP): their pending offer ends (`canceled`) without another text. */
export const patientOptedOutSignal = defineSignal<[{ phone: string }]>('patientOptedOut');
/** The cancellation now. */
export const cancellationQuery = defineQuery<CancellationView>('cancellation');
