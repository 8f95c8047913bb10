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
 */
import type { MigrationBuilder } from 'node-pg-migrate';

/** Adds `sent_at` and fills it for the last two days' texts. */
export function up(pgm: MigrationBuilder): void {
  pgm.sql('alter table messages add column sent_at timestamptz');
  pgm.sql(`
    update messages m
    set sent_at = least(m.updated_at, (select min(e.received_at) from message_status_events e where e.provider_sid = m.provider_sid))
    where m.direction = 'outbound' and m.provider_sid is not null and m.created_at > now() - interval '2 days'`);
}

/** Drops `sent_at`. */
export function down(pgm: MigrationBuilder): void {
  pgm.sql('alter table messages drop column sent_at');
}
