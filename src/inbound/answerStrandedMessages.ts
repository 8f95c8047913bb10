/**
 * Recovery of replies that did not reach the patient. Run at start and then every
 * `SWEEP_INTERVAL_MS` by each API process (`serveApi`):
 * - an inbound message left unanswered (the API stopped after answering Twilio empty at the 5 s
 *   deadline, or an opt-out that could not be recorded) is handled again — handling is idempotent: a
 *   JOIN's MessageSid is its join key — and its reply is texted, once;
 * - a late reply that was claimed for texting but never got a MessageSid (Twilio answered 5xx, the
 *   network failed, the process died) is sent again through the messenger, whose idempotency key
 *   `reply:<MessageSid>` keeps it to one text.
 * Messages older than `ANSWER_WITHIN_MINUTES` are left alone. An old START or STOP (or YES) is never
 * replayed over a later opt-in or opt-out word from the same phone.
 */
import { getClinicById } from '../clinics/clinics.js';
import { parseCommand } from '../domain/commands.js';
import type { PhoneChannel } from '../domain/phone.js';
import { MessageRejectedError } from '../messaging/sender.js';
import { ANSWER_WITHIN_MINUTES, STALE_AFTER_SECONDS, replyKey, replyTo, textReplyWhenReady, type ReceiveDeps } from './receiveInboundMessage.js';
/** How often each API process sweeps, in ms. */
export const SWEEP_INTERVAL_MS = 30_000;

interface StrandedRow {
  id: string;
  clinic_id: number;
  channel: PhoneChannel;
  phone: string;
  from_address: string;
  to_address: string;
  body: string;
  button_payload: string | null;
  provider_sid: string;
}

const isOptWord = (body: string) => ['opt_in', 'opt_out'].includes(parseCommand(body).kind);

/** Answers every stranded inbound message and resends every unsent late reply. @returns how many were taken up. */
export async function answerStrandedMessages(deps: ReceiveDeps): Promise<number> {
  // Claiming (a fresh processing_started_at) keeps a second API process from taking the same ones.
  const stranded = await deps.sql<StrandedRow[]>`
    update messages set processing_started_at = now()
    where id in (
      select id from messages
      where direction = 'inbound' and reply_via is null
        and processing_started_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
        and created_at > now() - make_interval(mins => ${ANSWER_WITHIN_MINUTES})
      for update skip locked)
    returning id, clinic_id, channel, phone, from_address, to_address, body, button_payload, provider_sid`;
  // Oldest first (ids grow in arrival order), so a phone's texts are handled in the order they came.
  stranded.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  for (const row of stranded) {
    const clinic = await getClinicById(deps.sql, row.clinic_id);
    const message = {
      clinic,
      from: { phone: row.phone, channel: row.channel },
      body: row.body,
      ...(row.button_payload === null ? {} : { button: { text: row.body, payload: row.button_payload } }),
      messageSid: row.provider_sid,
      fromAddress: row.from_address,
      toAddress: row.to_address,
    };
    if (isOptWord(row.body) && (await supersededByLaterOptWord(deps, row))) {
      await deps.sql`update messages set reply_via = 'none', updated_at = now() where provider_sid = ${row.provider_sid} and reply_via is null`;
      continue;
    }
    await textReplyWhenReady(deps, message, replyTo(deps, message));
  }
  return stranded.length + (await resendUnsentReplies(deps));
}

/** Whether the same phone sent an opt-in or opt-out word to the clinic after `row` (which then no longer counts). */
async function supersededByLaterOptWord(deps: ReceiveDeps, row: StrandedRow): Promise<boolean> {
  const later = await deps.sql<{ body: string }[]>`
    select body from messages
    where clinic_id = ${row.clinic_id} and phone = ${row.phone} and direction = 'inbound' and id > ${row.id}`;
  return later.some((m) => isOptWord(m.body));
}

/** Sends again each late reply claimed for texting that has no MessageSid yet. @returns how many were sent. */
async function resendUnsentReplies(deps: ReceiveDeps): Promise<number> {
  const unsent = await deps.sql<{ clinic_id: number; channel: PhoneChannel; phone: string; reply_body: string; provider_sid: string; until: Date }[]>`
    select i.clinic_id, i.channel, i.phone, i.reply_body, i.provider_sid, i.created_at + make_interval(mins => ${ANSWER_WITHIN_MINUTES}) as until
    from messages i
    where i.direction = 'inbound' and i.reply_via = 'outbound' and i.reply_body is not null
      and i.updated_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
      and i.created_at > now() - make_interval(mins => ${ANSWER_WITHIN_MINUTES})
      and not exists (
        select 1 from messages o
        where o.idempotency_key = 'reply:' || i.provider_sid and (o.provider_sid is not null or o.status = 'failed'))`;
  let sent = 0;
  for (const row of unsent) {
    try {
      const outcome = await deps.messenger.send({
        clinicId: row.clinic_id,
        phone: row.phone,
        channel: row.channel,
        body: row.reply_body,
        idempotencyKey: replyKey(row.provider_sid),
        // This sweep resends it no later (the query above).
        sendUntil: row.until,
      });
      if (outcome.outcome === 'sent') sent += 1;
    } catch (error) {
      // A refusal is final (the row is `failed` and not tried again); anything else waits for the next sweep.
      deps.log[error instanceof MessageRejectedError ? 'warn' : 'error']({ err: error, messageSid: row.provider_sid }, 'late reply not sent');
      await deps.sql`update messages set updated_at = now() where provider_sid = ${row.provider_sid}`;
    }
  }
  return sent;
}
