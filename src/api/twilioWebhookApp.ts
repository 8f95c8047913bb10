/**
 * The base of every route Twilio (or the console telephone standing in for it) calls: a body limit
 * and the signature check, before any route runs.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';
import { verifyTwilioRequest, type TwilioVariables } from './twilioSignature.js';

/** Twilio's request bodies are small; anything bigger than this is refused (bytes). */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

/**
 * A Hono app whose every route takes form posts of at most MAX_WEBHOOK_BYTES (else 413
 * `payload_too_large`) signed as `verifyTwilioRequest` checks them with `authToken` over
 * `publicBaseUrl` (403 before anything is written). The verified POST parameters are `twilioParams`.
 */
export function twilioWebhookApp(deps: { twilioAuthToken: string | undefined; publicBaseUrl: string | undefined }) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', `webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`);
      },
    }),
    verifyTwilioRequest({ authToken: deps.twilioAuthToken, publicBaseUrl: deps.publicBaseUrl }),
  );
  return app;
}
