/**
 * Phone numbers and Twilio addresses. A patient is an E.164 number plus the channel they wrote on;
 * Twilio writes WhatsApp addresses as `whatsapp:+E164`.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseWithFullMetadata } from 'libphonenumber-js/max';

/** A messaging channel that reaches a phone. */
export type PhoneChannel = 'sms' | 'whatsapp';

/** A patient's phone: E.164 number and the channel it used. */
export interface PhoneAddress {
  phone: string;
  channel: PhoneChannel;
}

/**
 * Parses a Twilio `From`/`To` value (`+13125550142`, `whatsapp:+13125550142`, or a local number
 * read in `defaultCountry`) into an E.164 number and channel.
 * @returns undefined when it is not a valid phone number, or has an extension (`312-555-0100 ext 12`:
 *   an office line, which takes no texts).
 */
export function parseAddress(raw: string, defaultCountry: CountryCode): PhoneAddress | undefined {
  const trimmed = raw.trim();
  const isWhatsApp = /^whatsapp:/i.test(trimmed);
  const number = parsePhoneNumberFromString(isWhatsApp ? trimmed.slice('whatsapp:'.length) : trimmed, defaultCountry);
  if (!number?.isValid() || number.ext !== undefined) return undefined;
  return { phone: number.number, channel: isWhatsApp ? 'whatsapp' : 'sms' };
}

/**
 * The country an E.164 number belongs to by its numbering plan (`+13125550142` → `US`, `+16135550123`
 * → `CA`), or undefined for a number no country's plan holds (non-geographic `+882…`, unassigned ranges).
 */
export function phoneCountry(phone: string): CountryCode | undefined {
  return parsePhoneNumberFromString(phone)?.country;
}

/** The Twilio address for a phone on a channel: `+1555…` for SMS, `whatsapp:+1555…` for WhatsApp. */
export function toAddress({ phone, channel }: PhoneAddress): string {
  return channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
}

/** A number masked to its last four digits for staff screens: `•••• 4567`. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  return `•••• ${phone.slice(-4)}`;
}

/** A number masked for the message log: its country calling code and last four digits, `+1 ••• ••• 4567`. */
export function maskPhoneWithCountry(phone: string): string {
  const country = parsePhoneNumberFromString(phone)?.countryCallingCode;
  return `${country === undefined ? '+' : `+${country} `}••• ••• ${phone.slice(-4)}`;
}

/** A number written for people in its own country's style (`(555) 555-0100`), E.164 if unparsable. */
export function formatPhoneForPeople(phone: string): string {
  return parsePhoneNumberFromString(phone)?.formatNational() ?? phone;
}

// E.164 (a + and 7 to 15 digits); the lookarounds keep it from matching inside longer digit runs.
const E164_IN_TEXT = /(?<![\d+])\+[1-9]\d{6,14}(?!\d)/g;

/** `text` with every E.164 number in it masked to its last four digits (`+13125550123` → `+•••0123`), for logs and error texts. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(E164_IN_TEXT, (number) => `+•••${number.slice(-4)}`);
}

/**
 * Whether the numbering plan says `phone` (E.164) is a fixed line, so it takes no texts. Many plans
 * (the US and Canada among them) do not tell fixed from mobile: those numbers are not fixed lines
 * here, and a text undelivered with 30006 is what reveals a landline. Uses libphonenumber's full
 * metadata (number types).
 */
export function isFixedLine(phone: string): boolean {
  return parseWithFullMetadata(phone)?.getType() === 'FIXED_LINE';
}
