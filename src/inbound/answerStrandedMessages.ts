/**
 * Start-up recovery: an API process that stopped after answering Twilio empty (the 5 s deadline) but
 * before its reply was ready leaves a message unanswered. At start, each such message from the last
 * hour is handled again (handling is idempotent: a JOIN's MessageSid is its join key) and its reply
 * is texted, once.
 */
import { getClinicById } from '../clinics/clinics.js';
import type { PhoneChannel } from '../domain/phone.js';
import { STALE_AFTER_SECONDS, replyTo, textReplyWhenReady, type ReceiveDeps } from './receiveInboundMessage.js';

/** How far back a cut-off message is still worth answering, in minutes. */
const ANSWER_WITHIN_MINUTES = 60;

/** Answers every stranded inbound message. @returns how many were taken up. */
export async function answerStrandedMessages(deps: ReceiveDeps): Promise<number> {
  // Claiming (a fresh processing_started_at) keeps a second API process from taking the same ones.
  const stranded = await deps.sql`
    update messages set processing_started_at = now()
    where id in (
      select id from messages
      where direction = 'inbound' and reply_via is null
        and processing_started_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
        and created_at > now() - make_interval(mins => ${ANSWER_WITHIN_MINUTES})
      for update skip locked)
    returning clinic_id, channel, phone, from_address, to_address, body, provider_sid`;
  for (const row of stranded) {
    const message = {
      clinic: await getClinicById(deps.sql, row.clinic_id as number),
      from: { phone: row.phone as string, channel: row.channel as PhoneChannel },
      body: row.body as string,
      messageSid: row.provider_sid as string,
      fromAddress: row.from_address as string,
      toAddress: row.to_address as string,
    };
    await textReplyWhenReady(deps, message, replyTo(deps, message));
  }
  return stranded.length;
}
