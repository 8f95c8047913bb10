/**
 * Messaging activities: the texts a ticket workflow sends on its own ("you're next", the reminder,
 * the day-end close, the no-show), through the messenger, once each.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { getClinicById } from '../clinics/clinics.js';
import { patientTexts, type TicketNotice } from '../domain/patientTexts.js';
import type { PhoneChannel } from '../domain/phone.js';
import { MessageRejectedError } from '../messaging/sender.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';

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
     * Sends one ticket notice. Opted-out numbers get nothing.
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it.
     */
    async sendTicketNotice(input: TicketNoticeInput): Promise<SendOutcome['outcome']> {
      const clinic = await getClinicById(sql, input.clinicId);
      try {
        const sent = await messenger.send({
          clinicId: input.clinicId,
          phone: input.phone,
          channel: input.channel,
          body: patientTexts.notice(clinic.name, input.code, input.notice),
          idempotencyKey: input.idempotencyKey,
        });
        return sent.outcome;
      } catch (error) {
        if (error instanceof MessageRejectedError) throw ApplicationFailure.nonRetryable(error.message, 'MessageRejected');
        throw error;
      }
    },
  };
}

/** The messaging activities' interface, as the workflow proxies it. */
export type MessagingActivities = ReturnType<typeof createMessagingActivities>;
