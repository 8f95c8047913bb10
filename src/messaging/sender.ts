/**
 * The outbound messaging provider seen by Frontdesk: `console` (the embedded default) or `twilio`.
 */

/** One message to hand to the provider. Addresses are Twilio style (`+1555…`, `whatsapp:+1555…`). */
export interface ProviderMessage {
  from: string;
  to: string;
  body: string;
  /** Twilio StatusCallback URL, when the API is publicly reachable. */
  statusCallback: string | undefined;
}

/** What the provider said: its MessageSid and the message's first status (`queued`, `sent`, …). */
export interface ProviderReceipt {
  messageSid: string;
  status: string;
}

/** A provider that sends messages. @throws MessageRejectedError when the provider refuses this message. */
export interface Sender {
  readonly provider: 'console' | 'twilio';
  send(message: ProviderMessage): Promise<ProviderReceipt>;
}

/** Twilio error 21610: the recipient has opted out (texted STOP). Source: Twilio error dictionary. */
export const TWILIO_OPTED_OUT = 21610;

/** The provider refused this message for good (a 4xx from Twilio); sending it again cannot help. */
export class MessageRejectedError extends Error {
  override name = 'MessageRejectedError';
  constructor(
    message: string,
    readonly errorCode: number | undefined,
  ) {
    super(message);
  }
}
