/**
 * A clinic's WhatsApp templates in the JSON API: `GET /api/clinic/whatsapp-templates`,
 * `PUT` and `DELETE /api/clinic/whatsapp-templates/{kind}/{language}` (see
 * src/clinics/whatsAppTemplates.ts for what a template is and when it is sent).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import {
  deleteWhatsAppTemplate,
  listWhatsAppTemplates,
  saveWhatsAppTemplate,
  WHATSAPP_PLACEHOLDERS,
  type WhatsAppTemplate,
} from '../clinics/whatsAppTemplates.js';
import { TEXT_KINDS } from '../domain/messageTemplates.js';
import { ZLanguage } from '../domain/languages.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicQuery, requireJsonBody, unknownField } from './validation.js';

const CONTENT_SID_MESSAGE = 'must be a Twilio Content SID (HX and 32 hex digits)';
const VARIABLE_MESSAGE = 'must be a placeholder in braces, such as {patient_name}';
const PLACEHOLDER_LIST = WHATSAPP_PLACEHOLDERS.map((name) => `\`{${name}}\``).join(', ');

/**
 * The variables of a template: `"1"`…`"n"`, no gaps, each one placeholder as written (`{date}`). Which
 * placeholders a kind may use is checked on saving (`saveWhatsAppTemplate`), as for text templates.
 */
const ZVariables = z
  .record(z.string(), z.string({ error: VARIABLE_MESSAGE }), { error: 'must be an object such as {"1": "{patient_name}", "2": "{date}"}' })
  .superRefine((variables, ctx) => {
    const keys = Object.keys(variables);
    const notNumber = keys.find((key) => !/^[1-9]\d{0,2}$/.test(key));
    if (notNumber !== undefined) {
      ctx.addIssue({ code: 'custom', path: [notNumber], message: 'is not a variable number: the keys are 1, 2, … as the template numbers them' });
      return;
    }
    const missing = Array.from({ length: keys.length }, (_, i) => String(i + 1)).find((number) => !Object.hasOwn(variables, number));
    if (missing !== undefined) ctx.addIssue({ code: 'custom', message: `must number the variables 1 to ${keys.length} with no gaps (no ${missing})` });
  });

/** A clinic's WhatsApp template for one kind in one language. */
export const ZWhatsAppTemplate = z
  .object({
    kind: z.enum(TEXT_KINDS),
    language: z.string().meta({ example: 'es' }),
    content_sid: z.string().meta({ description: "Twilio's Content SID of the approved template.", example: `HX${'0123456789abcdef'.repeat(2)}` }),
    variables: z.record(z.string(), z.string()).meta({
      description: 'Each numbered variable of the template (`{{1}}`, `{{2}}`, …) and the placeholder that fills it.',
      example: { '1': '{patient_name}', '2': '{date}', '3': '{time}' },
    }),
    updated_at: z.string().meta({ description: 'When it was saved, ISO 8601 UTC.', example: '2026-01-05T14:03:00.000Z' }),
  })
  .openapi('WhatsAppTemplate');

/** Every WhatsApp template of a clinic. */
export const ZWhatsAppTemplates = z
  .object({ clinic: z.string().meta({ example: 'main' }), templates: z.array(ZWhatsAppTemplate) })
  .openapi('WhatsAppTemplates');

/** Staff's request to save a WhatsApp template. */
export const ZWhatsAppTemplateBody = z
  .strictObject(
    {
      content_sid: z
        .string({ error: CONTENT_SID_MESSAGE })
        .regex(/^HX[0-9a-fA-F]{32}$/, CONTENT_SID_MESSAGE)
        .meta({ description: "The approved template's Content SID (Twilio Console, Content Template Builder).", example: `HX${'0123456789abcdef'.repeat(2)}` }),
      variables: ZVariables.meta({
        description: `Each numbered variable of the template, \`"1"\` to \`"n"\` with no gaps, and the one placeholder that fills it: ${PLACEHOLDER_LIST}. Filled as the text templates fill them (\`{date}\` in the clinic's time zone and the template's language). A \`rescheduled\` template may also take \`{question}\`: the question a staff move's text asks (\`rescheduled_question\`, \`Reply YES to confirm, NO to cancel, CHANGE for another time.\` unless the clinic words it otherwise); a staff move's text goes as a WhatsApp template only when it has one, and the same text that asks nothing only when it has none (else it goes by SMS).`,
        example: { '1': '{patient_name}', '2': '{date}', '3': '{time}' },
      }),
    },
    { error: unknownField },
  )
  .openapi('WhatsAppTemplateRequest');

function whatsAppTemplateJson(t: WhatsAppTemplate): z.infer<typeof ZWhatsAppTemplate> {
  return {
    kind: t.kind,
    language: t.language,
    content_sid: t.contentSid,
    variables: Object.fromEntries(Object.entries(t.variables).map(([number, name]) => [number, `{${name}}`])),
    updated_at: t.updatedAt.toISOString(),
  };
}

const listTemplates = createRoute({
  method: 'get',
  path: '/clinic/whatsapp-templates',
  operationId: 'listWhatsAppTemplates',
  summary: "The clinic's WhatsApp templates: a Content SID per kind and language",
  description:
    "A WhatsApp message outside the 24-hour customer-service window goes as the template for its kind in the patient's language (else its base language, else the clinic default); without one it is not sent by WhatsApp.",
  tags: ['Clinic'],
  request: { query: ZClinicQuery },
  responses: {
    200: { description: 'The templates, by kind then language.', content: { 'application/json': { schema: ZWhatsAppTemplates } } },
    ...staffErrors({ 400: '`bad_request`: `clinic` is not a slug.', 404: '`not_found`: no such clinic (`field: "clinic"`).' }),
  },
});

/** The path of a WhatsApp template: a texted kind (calls are spoken, never WhatsApp) and a language. */
export const ZWhatsAppTemplatePath = z.object({
  kind: z.enum(TEXT_KINDS, { error: `must be one of ${TEXT_KINDS.join(', ')}` }).meta({ description: 'The message kind.', example: 'reminder' }),
  language: ZLanguage.meta({ description: 'A language tag: `en`, `es`, or one the clinic adds (`pt-BR`).', example: 'es' }),
});

const putTemplate = createRoute({
  method: 'put',
  path: '/clinic/whatsapp-templates/{kind}/{language}',
  operationId: 'saveWhatsAppTemplate',
  summary: 'Save the WhatsApp template of a message kind in a language',
  description: 'A Content SID is one approved template in one language: it replaces any earlier one for this kind and language.',
  tags: ['Clinic'],
  middleware: [requireJsonBody],
  request: {
    params: ZWhatsAppTemplatePath,
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZWhatsAppTemplateBody } } },
  },
  responses: {
    200: { description: 'The saved template.', content: { 'application/json': { schema: ZWhatsAppTemplate } } },
    ...staffErrors({
      400: '`bad_request` naming the field: `content_sid`, `variables` (not numbered 1 to n), `variables.<n>` (an unknown placeholder such as `variables.2: unknown placeholder {foo}`, `{slots}`, or more than one placeholder), `kind`, `language`, `clinic`; nothing saved.',
      404: '`not_found`: no such clinic (`field: "clinic"`).',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

const deleteTemplate = createRoute({
  method: 'delete',
  path: '/clinic/whatsapp-templates/{kind}/{language}',
  operationId: 'deleteWhatsAppTemplate',
  summary: 'Delete the WhatsApp template of a message kind in a language',
  tags: ['Clinic'],
  request: { params: ZWhatsAppTemplatePath, query: ZClinicQuery },
  responses: {
    204: { description: 'Deleted.' },
    ...staffErrors({
      400: '`bad_request` naming `kind`, `language` or `clinic`.',
      404: '`not_found`: no such clinic (`field: "clinic"`), or no WhatsApp template for this kind and language.',
    }),
  },
});

/** Routes under `/api` for a clinic's WhatsApp templates. `?clinic=<slug>` picks a clinic (default `main`). */
export function whatsAppTemplateRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();

  app.openapi(listTemplates, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    return c.json({ clinic: clinic.slug, templates: (await listWhatsAppTemplates(deps.sql, clinic.id)).map(whatsAppTemplateJson) }, 200);
  });

  app.openapi(putTemplate, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { kind, language } = c.req.valid('param');
    const { content_sid, variables } = c.req.valid('json');
    return c.json(whatsAppTemplateJson(await saveWhatsAppTemplate(deps.sql, clinic.id, { kind, language, contentSid: content_sid, variables })), 200);
  });

  app.openapi(deleteTemplate, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { kind, language } = c.req.valid('param');
    await deleteWhatsAppTemplate(deps.sql, clinic.id, kind, language);
    return c.body(null, 204);
  });

  return app;
}
