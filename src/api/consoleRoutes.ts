/**
 * The console provider's telephone (no Twilio account), seen from the API: the phone simulator's key
 * press on a ringing console call (`POST /webhooks/console/calls/{CallSid}/digits`, signed like
 * Twilio's webhooks), and the staff routes that set how each number behaves
 * (`GET /api/console/phones`, `PUT /api/console/phones/{phone}`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { CONSOLE_CALL, CONSOLE_SMS, CONSOLE_WHATSAPP, listConsolePhones, saveConsolePhone } from '../messaging/consolePhones.js';
import type { ConsoleTelephone } from '../messaging/consoleTelephone.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { twilioWebhookApp } from './twilioWebhookApp.js';
import { parseOrThrow, requireJsonBody } from './validation.js';

const ZDigitsPath = z.object({ CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CallSid (CA and 32 hex digits)') });
const ZDigits = z.object({
  // Empty: no key before the Gather timeout.
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,20}$/, 'must be the keys pressed (0-9, * and #)')
    .default(''),
});

/**
 * Routes under `/webhooks/console`: a key press on a console call, answered with the TwiML the call
 * said (text/xml). Without the console provider: 404.
 */
export function consoleWebhookRoutes(deps: {
  consoleTelephone?: ConsoleTelephone | undefined;
  twilioAuthToken: string | undefined;
  publicBaseUrl: string | undefined;
}) {
  const app = twilioWebhookApp(deps);
  app.post('/calls/:CallSid/digits', async (c) => {
    const { CallSid } = parseOrThrow(ZDigitsPath, c.req.param());
    const { Digits } = parseOrThrow(ZDigits, c.get('twilioParams'));
    if (deps.consoleTelephone === undefined) throw new AppError('not_found', 'console calls exist with the console provider only (no Twilio account)');
    const twiml = await deps.consoleTelephone.pressKeys(CallSid, Digits);
    return c.body(twiml, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  });
  return app;
}

const ZConsolePhone = z
  .object({
    phone: z.string().meta({ example: '+13125550123' }),
    sms: z.enum(CONSOLE_SMS).meta({ description: '`undelivered`: a landline, texts end `undelivered` with 30006.' }),
    whatsapp: z.enum(CONSOLE_WHATSAPP).meta({ description: '`not_on_whatsapp`: WhatsApp messages fail with 63024.' }),
    call: z.enum(CONSOLE_CALL).meta({ description: 'How a call is answered: `answer` (a person), `busy`, `no-answer`, `failed`, `machine`.' }),
  })
  .openapi('ConsolePhone');

const ZConsolePhoneRequest = z
  .object({
    sms: z.enum(CONSOLE_SMS, { error: `must be one of ${CONSOLE_SMS.join(', ')}` }).default('delivered'),
    whatsapp: z.enum(CONSOLE_WHATSAPP, { error: `must be one of ${CONSOLE_WHATSAPP.join(', ')}` }).default('delivered'),
    call: z.enum(CONSOLE_CALL, { error: `must be one of ${CONSOLE_CALL.join(', ')}` }).default('answer'),
  })
  .strict()
  .openapi('ConsolePhoneRequest');

const ZPhonePath = z.object({
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +13125550123')
    .meta({ description: 'The patient number, E.164 (`+` written `%2B`).', example: '+13125550123' }),
});

const listPhones = createRoute({
  method: 'get',
  path: '/console/phones',
  operationId: 'listConsolePhones',
  summary: 'Numbers the console provider plays in a way of their own',
  description:
    'With the console provider (no Twilio account) every number delivers texts and answers calls, except numbers ending in 0006 (landlines: texts undelivered with 30006), unless listed here.',
  tags: ['Console'],
  responses: {
    200: { description: 'The numbers.', content: { 'application/json': { schema: z.object({ phones: z.array(ZConsolePhone) }) } } },
    ...staffErrors({}),
  },
});

const putPhone = createRoute({
  method: 'put',
  path: '/console/phones/{phone}',
  operationId: 'setConsolePhone',
  summary: 'Set how the console provider plays a number: its texts, WhatsApp and calls',
  tags: ['Console'],
  middleware: [requireJsonBody],
  request: { params: ZPhonePath, body: { required: true, content: { 'application/json': { schema: ZConsolePhoneRequest } } } },
  responses: {
    200: { description: 'The number as it now behaves.', content: { 'application/json': { schema: ZConsolePhone } } },
    ...staffErrors({
      400: '`bad_request` naming the field: `phone`, `sms`, `whatsapp`, `call`, or `body` when it is not JSON; nothing saved.',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

/** Routes under `/api` for the console provider's numbers. */
export function consolePhoneRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();
  app.openapi(listPhones, async (c) => c.json({ phones: await listConsolePhones(deps.sql) }, 200));
  app.openapi(putPhone, async (c) => {
    const { phone } = c.req.valid('param');
    return c.json(await saveConsolePhone(deps.sql, { phone, ...c.req.valid('json') }), 200);
  });
  return app;
}
