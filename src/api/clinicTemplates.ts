/**
 * The clinic's message templates in the JSON API: `GET /api/clinic/templates` (every template in
 * effect, with a sample and its SMS segments) and `PUT /api/clinic/templates/{kind}/{language}` (the
 * clinic's own wording).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { listTemplates, saveTemplate, type TemplateWithSample } from '../clinics/messageTemplates.js';
import { ZLanguage } from '../domain/languages.js';
import { HEALTH_INFORMATION_PLACEHOLDERS, MESSAGE_KINDS, PLACEHOLDERS } from '../domain/messageTemplates.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicQuery, requireJsonBody, unknownField } from './validation.js';

/** A template in effect, with how it reads with typical values. */
export const ZTemplate = z
  .object({
    kind: z.enum(MESSAGE_KINDS),
    language: z.string().meta({ example: 'es' }),
    body_language: z
      .string()
      .meta({ description: 'The language of `body`: `language`, or the one it falls back to (the clinic default, then `en`).', example: 'es' }),
    source: z.enum(['clinic', 'default']).meta({ description: "`clinic`: the clinic's own; `default`: shipped with Frontdesk." }),
    body: z.string().meta({
      description: `The wording, with placeholders ${PLACEHOLDERS.filter((p) => !HEALTH_INFORMATION_PLACEHOLDERS.includes(p))
        .map((p) => `\`{${p}}\``)
        .join(
          ', ',
        )} (\`{slots}\` in \`reschedule_options\` only; \`{doctor_name}\` not in \`call_voicemail\`). \`{specialty}\` is refused everywhere: no message carries health information.`,
      example: '{clinic_name}: {patient_name}, cita con {doctor_name} el {date}, {time}. Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    }),
    updated_at: z.string().nullable().meta({ description: 'When the clinic saved it, ISO 8601 UTC; null for a default.', example: null }),
    sample_text: z.string().meta({ description: 'The body filled with typical values: a Tuesday 10:30 visit, five open times.' }),
    segments: z.int().meta({ description: 'SMS segments `sample_text` takes (GSM-7: 160, 153 each when split; UCS-2: 70, 67).', example: 1 }),
    encoding: z.enum(['GSM-7', 'UCS-2']).meta({ description: 'UCS-2 when any character is outside the GSM-7 alphabet (an emoji, á, í, ó, ú).' }),
  })
  .openapi('Template');

/** Every template in effect at a clinic. */
export const ZTemplates = z.object({ clinic: z.string().meta({ example: 'main' }), templates: z.array(ZTemplate) }).openapi('Templates');

/** The path of a template: `{kind}/{language}`. */
export const ZTemplatePath = z.object({
  kind: z.enum(MESSAGE_KINDS, { error: `must be one of ${MESSAGE_KINDS.join(', ')}` }).meta({ description: 'The message kind.', example: 'reminder' }),
  language: ZLanguage.meta({ description: 'A language tag: `en`, `es`, or one the clinic adds (`pt-BR`).', example: 'es' }),
});

/** A clinic's own wording of a template. */
export const ZTemplateBody = z
  .strictObject(
    {
      body: z
        .string({ error: 'must be text' })
        .min(1, 'must not be empty')
        .max(1600, 'must be at most 1600 characters')
        .meta({ example: '{clinic_name}: {patient_name}, see you {date} at {time}. Reply YES to confirm, NO to cancel, CHANGE for another time.' }),
    },
    { error: unknownField },
  )
  .openapi('TemplateRequest');

function templateJson(t: TemplateWithSample): z.infer<typeof ZTemplate> {
  return {
    kind: t.kind,
    language: t.language,
    body_language: t.bodyLanguage,
    source: t.source,
    body: t.body,
    updated_at: t.updatedAt?.toISOString() ?? null,
    sample_text: t.sample.text,
    segments: t.sample.segments,
    encoding: t.sample.encoding,
  };
}

const getTemplates = createRoute({
  method: 'get',
  path: '/clinic/templates',
  operationId: 'listMessageTemplates',
  summary: 'Every message template in effect: each kind in each language',
  description:
    "Languages: English and Spanish (shipped), the clinic's default, and each language the clinic has a template in. A kind the clinic has not written in a language falls back to the clinic's default language, then English (`body_language` says which).",
  tags: ['Clinic'],
  request: { query: ZClinicQuery },
  responses: {
    200: { description: 'The templates, by language then kind.', content: { 'application/json': { schema: ZTemplates } } },
    ...staffErrors({ 400: '`bad_request`: `clinic` is not a slug.', 404: '`not_found`: no such clinic (`field: "clinic"`).' }),
  },
});

const putTemplate = createRoute({
  method: 'put',
  path: '/clinic/templates/{kind}/{language}',
  operationId: 'saveMessageTemplate',
  summary: "Save the clinic's own wording of a message in a language",
  description:
    'It replaces the shipped default (or an earlier save) for this kind and language. The answer tells how many SMS segments it takes with typical values.',
  tags: ['Clinic'],
  middleware: [requireJsonBody],
  request: {
    params: ZTemplatePath,
    query: ZClinicQuery,
    body: { required: true, content: { 'application/json': { schema: ZTemplateBody } } },
  },
  responses: {
    200: { description: 'The saved template and its sample.', content: { 'application/json': { schema: ZTemplate } } },
    ...staffErrors({
      400: '`bad_request` naming the field: `body` (missing, empty, over 1600 characters, an unknown placeholder such as `body: unknown placeholder {foo}`, or `reschedule_options` without `{slots}`), `kind`, `language`, `clinic`; nothing saved.',
      404: '`not_found`: no such clinic (`field: "clinic"`).',
      413: '`payload_too_large`: the body is over the limit.',
      415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
    }),
  },
});

/** Routes under `/api` for the clinic's templates. `?clinic=<slug>` picks a clinic (default `main`). */
export function clinicTemplateRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();

  app.openapi(getTemplates, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    return c.json({ clinic: clinic.slug, templates: (await listTemplates(deps.sql, clinic)).map(templateJson) }, 200);
  });

  app.openapi(putTemplate, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
    const { kind, language } = c.req.valid('param');
    return c.json(templateJson(await saveTemplate(deps.sql, clinic, { kind, language, body: c.req.valid('json').body })), 200);
  });

  return app;
}
