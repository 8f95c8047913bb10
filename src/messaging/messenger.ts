/**
 * Sends a message to a patient, once: honours opt-outs, writes the message log, and remembers each
 * message by an idempotency key so a retried activity or webhook does not text twice.
 */
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { findClinicAddress } from '../clinics/clinics.js';
import { toAddress, type PhoneChannel } from '../domain/phone.js';
import { MessageRejectedError, TWILIO_OPTED_OUT, type Sender } from './sender.js';

/** A message for a patient. `idempotencyKey` names what it is for, e.g. `<workflow ID>:called`. */
export interface PatientMessage {
  clinicId: number;
  phone: string;
  channel: PhoneChannel;
  body: string;
  idempotencyKey: string;
}

/** `sent` (now), `already_sent` (an earlier call sent it), `suppressed` (the number opted out). */
export type SendOutcome = { outcome: 'sent' | 'already_sent'; messageSid: string } | { outcome: 'suppressed' };

/** Sends patient messages through a provider. */
export interface Messenger {
  /** @throws MessageRejectedError when the provider refuses it for good (logged as `failed`). */
  send(message: PatientMessage): Promise<SendOutcome>;
}

/** Whether `phone` has opted out of the clinic's messages. */
export async function isOptedOut(sql: Sql, clinicId: number, phone: string): Promise<boolean> {
  const [row] = await sql`select 1 from opt_outs where clinic_id = ${clinicId} and phone = ${phone}`;
  return row !== undefined;
}

/** Records an opt-out (STOP, or Twilio error 21610); idempotent. */
export async function recordOptOut(sql: Sql, clinicId: number, phone: string, keyword: string): Promise<void> {
  await sql`insert into opt_outs (clinic_id, phone, keyword) values (${clinicId}, ${phone}, ${keyword}) on conflict do nothing`;
}

/** Removes an opt-out (START, UNSTOP, or YES from an opted-out number); idempotent. */
export async function removeOptOut(sql: Sql, clinicId: number, phone: string): Promise<void> {
  await sql`delete from opt_outs where clinic_id = ${clinicId} and phone = ${phone}`;
}

/**
 * A messenger over `sender`. `statusCallbackUrl` is given to Twilio with every message so delivery
 * statuses reach `POST /webhooks/twilio/status`.
 */
export function createMessenger(deps: { sql: Sql; sender: Sender; statusCallbackUrl: string | undefined; log: Logger }): Messenger {
  const { sql, sender, log } = deps;
  return {
    async send(message) {
      if (await isOptedOut(sql, message.clinicId, message.phone)) {
        log.info({ key: message.idempotencyKey }, 'not sent: the number has opted out');
        return { outcome: 'suppressed' };
      }
      const from = await findClinicAddress(sql, message.clinicId, message.channel);
      if (from === undefined) throw new MessageRejectedError(`the clinic has no ${message.channel} number`, undefined);
      const to = toAddress(message);

      const [inserted] = await sql`
        insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status)
        values (${message.clinicId}, 'outbound', ${message.channel}, ${message.phone}, ${from}, ${to}, ${message.body}, ${message.idempotencyKey}, 'queued')
        on conflict (idempotency_key) do nothing
        returning id`;
      let id = inserted?.id as string | undefined;
      if (id === undefined) {
        const [earlier] = await sql`select id, provider_sid, status from messages where idempotency_key = ${message.idempotencyKey}`;
        if (earlier!.provider_sid !== null) return { outcome: 'already_sent', messageSid: earlier!.provider_sid as string };
        if (earlier!.status === 'failed') throw new MessageRejectedError('the provider refused this message earlier', undefined);
        // An earlier attempt stopped between logging and sending: send now (at least once beats never).
        id = earlier!.id as string;
      }

      let receipt;
      try {
        receipt = await sender.send({ from, to, body: message.body, statusCallback: deps.statusCallbackUrl });
      } catch (error) {
        if (error instanceof MessageRejectedError) {
          await sql`update messages set status = 'failed', error_code = ${error.errorCode ?? null}, updated_at = now() where id = ${id}`;
          if (error.errorCode === TWILIO_OPTED_OUT) await recordOptOut(sql, message.clinicId, message.phone, 'twilio-21610');
        }
        throw error;
      }
      // A status callback can beat this update: take the furthest status either has seen.
      await sql`
        update messages set provider_sid = ${receipt.messageSid}, updated_at = now(),
          status = coalesce((
            select e.status from message_status_events e
            where e.provider_sid = ${receipt.messageSid} and message_status_rank(e.status) > message_status_rank(${receipt.status})
            order by message_status_rank(e.status) desc, e.id desc limit 1), ${receipt.status}),
          error_code = (select e.error_code from message_status_events e
            where e.provider_sid = ${receipt.messageSid} and e.error_code is not null order by e.id desc limit 1)
        where id = ${id}`;
      // A 21610 status callback that beat this update could not find the message: record its opt-out now.
      const [optedOut] = await sql`select 1 from message_status_events where provider_sid = ${receipt.messageSid} and error_code = ${TWILIO_OPTED_OUT}`;
      if (optedOut !== undefined) await recordOptOut(sql, message.clinicId, message.phone, 'twilio-21610');
      return { outcome: 'sent', messageSid: receipt.messageSid };
    },
  };
}
