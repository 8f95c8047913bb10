/**
 * The message log in the JSON API: `GET /api/messages[?phone=…&limit=…&cursor=…]`, newest first, a
 * page at a time (`pageCursor.ts`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { CountryCode } from 'libphonenumber-js';
import type { Sql } from '../db/sql.js';
import { parseAddress } from '../domain/phone.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { listMessages, type LoggedMessage } from '../messaging/listMessages.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { linkNextPage, NEXT_PAGE_HEADERS, timeKeyCursor, ZNextCursor, ZPagedQuery, ZPageLimit, ZTimeKeyCursor } from './pageCursor.js';
import { ZClinicSlug } from './validation.js';

/** How many messages a page lists when `?limit=` is absent. */
const DEFAULT_LIMIT = 100;
/** The message log's name in its cursors. */
const MESSAGES_LIST = 'messages';

/** One text in the log, either way. */
export const ZMessage = z
  .object({
    id: z.int(),
    direction: z.enum(['inbound', 'outbound']),
    channel: z.enum(['sms', 'whatsapp']),
    from: z.string().meta({ description: 'E.164, or `whatsapp:+E164`.', example: '+13125550123' }),
    to: z.string().meta({ example: '+13125550100' }),
    body: z.string(),
    status: z.string().meta({
      description:
        "Twilio's message status (`received`, `queued`, `sent`, `delivered`, `undelivered`, `failed`, …); a reply given as TwiML is `accepted` until Twilio reports its first status.",
      example: 'delivered',
    }),
    error_code: z.int().nullable().meta({
      description:
        "Twilio's error code when sending failed, e.g. 21610 (opted out), or of its last answer to a try of a text it has not taken (20429 throttled).",
      example: null,
    }),
    send_error: z.string().nullable().meta({
      description:
        'An outbound text Twilio has not taken (no MessageSid): what Twilio answered its last try (`Twilio answered 429 and asks to retry after 60 s`, `Twilio answered 503: Service unavailable`, `no answer from Twilio: …`), while it is tried again (`status` `queued`) or once it ended unsent (`failed`: no try was left; `canceled`: no longer needed). Null for a text Twilio took or refused (see `error_code`), one not tried yet, an inbound text and a TwiML reply.',
      example: 'Twilio answered 429 and asks to retry after 60 s',
    }),
    send_until: z.string().nullable().meta({
      description:
        'ISO 8601 UTC. An outbound text Twilio has not taken: the deadline of its tries. One still `queued` is tried again until then (two minutes past it, with no try left, it ends `failed`); one that ended unsent (`failed`, `canceled`) was tried until then at most (its last try, when that failed first). Null for a text Twilio took, an inbound text and a TwiML reply.',
      example: '2026-01-05T14:33:00.000Z',
    }),
    created_at: z.string().meta({ description: 'ISO 8601 UTC.', example: '2026-01-05T14:03:00.000Z' }),
  })
  .openapi('Message');

/** A text in the log on the wire. */
export type TMessage = z.infer<typeof ZMessage>;

/** A page of the log as `GET /api/messages` answers it, newest first. */
export const ZMessageLog = z.object({ messages: z.array(ZMessage), next_cursor: ZNextCursor }).openapi('MessageLog');

const messageJson = (m: LoggedMessage): TMessage => ({
  id: Number(m.id),
  direction: m.direction,
  channel: m.channel,
  from: m.from,
  to: m.to,
  body: m.body,
  status: m.status,
  error_code: m.errorCode,
  send_error: m.unsent?.sendError ?? null,
  send_until: m.unsent?.sendUntil?.toISOString() ?? null,
  created_at: m.createdAt.toISOString(),
});

/**
 * `?phone=&limit=&cursor=&clinic=`; `phone` is local (read in `defaultCountry`) or E.164, and comes out
 * E.164, so a cursor holds to the number however it was written.
 */
function messageLogQuery(defaultCountry: CountryCode) {
  return ZPagedQuery(
    MESSAGES_LIST,
    z.object({
      phone: z
        .string()
        .transform((raw, ctx) => {
          const parsed = parseAddress(raw, defaultCountry);
          if (parsed === undefined) ctx.addIssue({ code: 'custom', message: 'must be a phone number' });
          return parsed?.phone ?? '';
        })
        .optional()
        .meta({ description: `Only this patient's texts: E.164 or a local number (read in \`DEFAULT_COUNTRY\`).`, example: '+13125550123' }),
      limit: ZPageLimit(DEFAULT_LIMIT),
      cursor: ZTimeKeyCursor(MESSAGES_LIST),
      clinic: ZClinicSlug,
    }),
  );
}

/** Routes under `/api` for a clinic's message log (`?clinic=`, default `main`). */
export function messageRoutes(deps: { sql: Sql; defaultCountry: CountryCode }) {
  const listMessagesRoute = createRoute({
    method: 'get',
    path: '/messages',
    operationId: 'listMessages',
    summary: "The clinic's message log, both ways, newest first",
    description:
      'A reply given as TwiML is listed as an outbound message with status `accepted` until Twilio reports its first status to the `action` of its `<Message>`, which names the MessageSid Twilio sent it under; from then on its status moves as any other text does. An outbound text Twilio has not taken says why (`send_error`) and until when it is tried (`send_until`). A page at a time, newest first and then by `id` (the higher first): pass `next_cursor` as `cursor` for the next (older) page (also in the `Link` header, `rel="next"`) until it is null, with the same `phone` and `clinic` (`limit` may change): a cursor sent with another `phone` or `clinic` is a 400 naming `cursor`.',
    tags: ['Messages'],
    request: { query: messageLogQuery(deps.defaultCountry) },
    responses: {
      200: { description: 'A page of the texts, newest first.', headers: NEXT_PAGE_HEADERS, content: { 'application/json': { schema: ZMessageLog } } },
      ...staffErrors({
        400: '`bad_request` naming `phone`, `limit`, `cursor` (not a `next_cursor` of this list, altered, or sent with other filters than its page) or `clinic`.',
        404: '`not_found`: no such clinic (`field: "clinic"`).',
      }),
    },
  });

  const app = createApiRouter();
  app.openapi(listMessagesRoute, async (c) => {
    const q = c.req.valid('query');
    const clinic = await getClinicBySlug(deps.sql, q.clinic);
    const page = await listMessages(deps.sql, clinic.id, q.phone === undefined ? {} : { phone: q.phone }, { limit: q.limit, after: q.cursor?.key });
    const nextCursor = timeKeyCursor(MESSAGES_LIST, q, page.next);
    linkNextPage(c, nextCursor);
    return c.json({ messages: page.items.map(messageJson), next_cursor: nextCursor }, 200);
  });
  return app;
}
