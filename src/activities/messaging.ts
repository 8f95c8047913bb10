/**
 * Messaging activities: the texts a ticket workflow sends on its own ("you're next", the reminder,
 * the day-end close, the no-show), through the messenger, once each, in the patient's language as it
 * is when the text goes out (looked up here, so the workflow is unchanged).
 */
import type { Sql } from '../db/sql.js';
import { getClinicById } from '../clinics/clinics.js';
import { resolvePatientLanguage } from '../clinics/patientLanguages.js';
import { patientTextsIn, type TicketNotice } from '../domain/patientTexts.js';
import type { PhoneChannel } from '../domain/phone.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import { failPermanentErrorsFast, sendOrRejectPermanently } from './permanentFailures.js';

/** Input of `sendTicketNotice`; `idempotencyKey` is `<workflow ID>:<notice>`. */
export interface TicketNoticeInput {
  clinicId: number;
  idempotencyKey: string;
  phone: string;
  channel: PhoneChannel;
  code: string;
  notice: TicketNotice;
}

/** The messaging activities, bound to a messenger. */
export function createMessagingActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  return {
    /**
     * Sends one ticket notice, in the patient's language. Opted-out numbers get nothing.
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it.
     */
    async sendTicketNotice(input: TicketNoticeInput): Promise<SendOutcome['outcome']> {
      const clinic = await failPermanentErrorsFast('sendTicketNotice', () => getClinicById(sql, input.clinicId));
      const language = await resolvePatientLanguage(sql, clinic, input.phone);
      const sent = await sendOrRejectPermanently(messenger, {
        clinicId: input.clinicId,
        phone: input.phone,
        channel: input.channel,
        body: patientTextsIn(language, clinic.defaultLanguage).notice(clinic.name, input.code, input.notice),
        idempotencyKey: input.idempotencyKey,
      });
      return sent.outcome;
    },
  };
}

/** The messaging activities' interface, as the workflow proxies it. */
export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
