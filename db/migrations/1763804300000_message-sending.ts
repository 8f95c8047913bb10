/**
 * What the message log knows of an outbound text's sending.
 *
 * `sent_at`: when the provider took it, the instant the messenger recorded its MessageSid
 * (src/messaging/messenger.ts). The row is logged before the first try, and a text Twilio throttles goes
 * minutes later, perhaps on the next day: the waitlist's daily offer cap counts an offer on the clinic
 * day its text went (src/activities/offers.ts), which only this column says. Texts sent in the last two
 * days (enough for any clinic's today and a text throttled overnight) get the earlier of the row's last
 * write and its first receipt (a receipt moves the row on after it was sent); older rows stay null:
 * nothing reads their day.
 *
 * `send_until` and `send_error`: a text the provider has not taken yet (`queued`, no MessageSid) is
 * tried again by its sender until `send_until` (a send activity's schedule-to-close, a late reply's hour
 * of resends; src/messaging/unsentDeliveries.ts), and `send_error` is what the provider answered its last try
 * (a 429, a 5xx, no answer). Past `send_until` it will never go: the API's sweep marks it `failed`, found
 * through `messages_unsent`, which holds only such texts. Texts left `queued` with no MessageSid before
 * this migration were logged by senders that try for an hour at most: they end `failed` an hour after
 * they were logged.
 *
 * The index is built `concurrently`, so texts keep being written while it reads a large table: no
 * transaction (see 1763802300000_messages-by-clinic-phone.ts), each statement a step of its own that a
 * run after a failed one repeats harmlessly.
 */
import type { MigrationBuilder } from 'node-pg-migrate';

/** Adds `sent_at` (filled for the last two days' texts), `send_until`, `send_error` and `messages_unsent`, outside a transaction. */
export function up(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql(
    'alter table messages add column if not exists sent_at timestamptz, add column if not exists send_until timestamptz, add column if not exists send_error text',
  );
  pgm.sql(`
    update messages m
    set sent_at = least(m.updated_at, (select min(e.received_at) from message_status_events e where e.provider_sid = m.provider_sid))
    where m.direction = 'outbound' and m.provider_sid is not null and m.sent_at is null and m.created_at > now() - interval '2 days'`);
  pgm.sql(`
    update messages set send_until = created_at + interval '1 hour'
    where direction = 'outbound' and status = 'queued' and provider_sid is null and send_until is null`);
  // A concurrent build that failed part way leaves an invalid index of this name: drop it so this run builds it again.
  pgm.sql('drop index concurrently if exists messages_unsent');
  pgm.sql("create index concurrently messages_unsent on messages (send_until) where status = 'queued' and provider_sid is null");
}

/** Drops them again, outside a transaction. */
export function down(pgm: MigrationBuilder): void {
  pgm.noTransaction();
  pgm.sql('drop index concurrently if exists messages_unsent');
  pgm.sql('alter table messages drop column if exists sent_at, drop column if exists send_until, drop column if exists send_error');
}
