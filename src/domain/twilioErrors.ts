/**
 * Short meanings of the Twilio error codes the message log shows most, for staff who read a failed
 * delivery. Source: Twilio's error dictionary (twilio.com/docs/api/errors); a code not listed here is
 * shown as its number alone.
 */

const MEANINGS: Readonly<Record<number, string>> = {
  20429: 'Twilio throttled the sending (too many requests)',
  20500: 'Twilio internal error',
  20503: 'Twilio unavailable',
  21211: 'invalid number',
  21610: 'the patient opted out (STOP)',
  30003: 'phone unreachable (off or out of coverage)',
  30005: 'unknown number',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown carrier error',
  63003: 'not a WhatsApp number',
  63016: 'outside the WhatsApp 24-hour window',
  63024: 'not a WhatsApp number',
};

/** The meaning of Twilio error `code`, or undefined when it is not one of the common ones. */
export function describeTwilioError(code: number): string | undefined {
  return MEANINGS[code];
}
