/**
 * How the console provider (no Twilio account) plays each patient's phone (`console_phones`): whether
 * its texts and WhatsApp messages are delivered, and how it answers a call. A number not listed
 * delivers and answers, except one ending in 0006, a landline: its texts come back undelivered (30006).
 */
import type { Sql } from '../db/sql.js';

/** What a console phone does with a text. */
export const CONSOLE_SMS = ['delivered', 'undelivered'] as const;
/** What a console phone does with a WhatsApp message. */
export const CONSOLE_WHATSAPP = ['delivered', 'not_on_whatsapp'] as const;
/** How a console phone answers a call: a person, busy, no answer, a failed call, or an answering machine. */
export const CONSOLE_CALL = ['answer', 'busy', 'no-answer', 'failed', 'machine'] as const;

/** One number's behaviour. */
export interface ConsolePhone {
  /** E.164. */
  phone: string;
  sms: (typeof CONSOLE_SMS)[number];
  whatsapp: (typeof CONSOLE_WHATSAPP)[number];
  call: (typeof CONSOLE_CALL)[number];
}

/** Whether `phone` is played as a landline without a row of its own: it ends in 0006. */
const isDefaultLandline = (phone: string) => phone.endsWith('0006');

/** How `phone` (E.164) behaves: its row, else the defaults above. */
export async function readConsolePhone(sql: Sql, phone: string): Promise<ConsolePhone> {
  const [row] = await sql<ConsolePhone[]>`select phone, sms, whatsapp, call from console_phones where phone = ${phone}`;
  return row ?? { phone, sms: isDefaultLandline(phone) ? 'undelivered' : 'delivered', whatsapp: 'delivered', call: 'answer' };
}

/** Every number with a behaviour of its own, by number. */
export async function listConsolePhones(sql: Sql): Promise<ConsolePhone[]> {
  return sql<ConsolePhone[]>`select phone, sms, whatsapp, call from console_phones order by phone`;
}

/** Sets how `phone` behaves, replacing what it did. @returns it. */
export async function saveConsolePhone(sql: Sql, phone: ConsolePhone): Promise<ConsolePhone> {
  const [row] = await sql<ConsolePhone[]>`
    insert into console_phones (phone, sms, whatsapp, call) values (${phone.phone}, ${phone.sms}, ${phone.whatsapp}, ${phone.call})
    on conflict (phone) do update set sms = excluded.sms, whatsapp = excluded.whatsapp, call = excluded.call, updated_at = now()
    returning phone, sms, whatsapp, call`;
  return row!;
}
