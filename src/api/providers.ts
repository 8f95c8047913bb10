/**
 * A clinic's providers in the JSON API: `POST /api/providers` (add one with its type), `GET
 * /api/providers` (all, by name) and `PATCH /api/providers/{id}` (name, type, active; made inactive,
 * their slots being offered to the waitlist are aborted). A provider first
 * named by an appointment booking shows `type: null` until staff set it. `?clinic=<slug>` as everywhere
 * in `/api`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getClinicBySlug } from '../clinics/clinics.js';
import { createProvider, listProviders, PROVIDER_TYPES, updateProvider, type Provider } from '../providers/providers.js';
import { abortProviderCancellations, type OfferWorkflowDeps } from '../waitlist/offerWorkflows.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicQuery, ZFreeText, requireJsonBody, unknownField } from './validation.js';

const MAX_NAME = 100;
const TYPE_MESSAGE = 'must be MD/DO or APP';

const providerFields = {
  name: ZFreeText(MAX_NAME).meta({ description: 'Unique in the clinic whatever its case.', example: 'Dr Mehta' }),
  type: z.enum(PROVIDER_TYPES, { error: TYPE_MESSAGE }).meta({ description: '`MD/DO` (physician) or `APP` (advanced practice provider).', example: 'MD/DO' }),
};

/** A new provider as staff send it. */
const ZNewProvider = z.strictObject(providerFields, { error: unknownField }).openapi('NewProvider');

/** A change to a provider: only the fields given change. */
const ZProviderPatch = z
  .strictObject(
    {
      name: providerFields.name.optional(),
      type: providerFields.type.optional(),
      active: z.boolean({ error: 'must be true or false' }).optional().meta({
        description:
          "false: the provider takes no new work (bookings, waitlist preferences, freed slots logged by staff); their appointments and history stay, but a cancelled appointment's slot is offered to no one and a patient asking for another time is offered none of theirs. Their slots being offered to the waitlist (open cancellations) are aborted as `POST /api/cancellations/{id}/abort` aborts one: pending offers are withdrawn and each patient told (`offer_withdrawn`); an abort its offer workflow does not take within 5 s is recorded and sent again until it does (the cancellation shows `abort_requested_at` meanwhile). Sending `false` again aborts any left open (after a 503).",
        example: false,
      }),
    },
    { error: unknownField },
  )
  .openapi('ProviderPatch');

/** A provider as the API answers it. */
export const ZProvider = z
  .object({
    id: z.int().meta({ example: 3 }),
    name: z.string().meta({ example: 'Dr Mehta' }),
    type: z.enum(PROVIDER_TYPES).nullable().meta({ description: 'null: unknown (a provider first named by an appointment booking).', example: 'MD/DO' }),
    active: z.boolean().meta({ example: true }),
  })
  .openapi('Provider');

const providerJson = (p: Provider): z.infer<typeof ZProvider> => ({ id: p.id, name: p.name, type: p.type, active: p.active });

const ZProviderPath = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a provider id')
    .meta({ example: '3' }),
});

const jsonErrors = {
  413: '`payload_too_large`: the body is over the limit.',
  415: '`unsupported_media_type`: JSON sent under a Content-Type other than `application/json`.',
};

/** Routes under `/api` for providers. */
export function providerRoutes(deps: OfferWorkflowDeps) {
  const app = createApiRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/providers',
      operationId: 'createProvider',
      summary: 'Add a provider',
      tags: ['Providers'],
      middleware: [requireJsonBody],
      request: { query: ZClinicQuery, body: { required: true, content: { 'application/json': { schema: ZNewProvider } } } },
      responses: {
        201: { description: 'The provider, active.', content: { 'application/json': { schema: ZProvider } } },
        ...staffErrors({
          400: '`bad_request` naming `name`, `type`, a field it does not take, `clinic`, or `body` when it is not JSON; nothing is written.',
          404: '`not_found`: no such clinic.',
          409: '`conflict` naming `name`: the clinic already has a provider of that name (in any case).',
          ...jsonErrors,
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      return c.json(providerJson(await createProvider(deps.sql, clinic.id, c.req.valid('json'))), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/providers',
      operationId: 'listProviders',
      summary: "The clinic's providers by name, active and inactive",
      tags: ['Providers'],
      request: { query: ZClinicQuery },
      responses: {
        200: {
          description: 'The providers.',
          content: { 'application/json': { schema: z.object({ providers: z.array(ZProvider) }).openapi('ProviderList') } },
        },
        ...staffErrors({ 400: '`bad_request` naming `clinic`.', 404: '`not_found`: no such clinic.' }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      return c.json({ providers: (await listProviders(deps.sql, clinic.id)).map(providerJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/providers/{id}',
      operationId: 'updateProvider',
      summary: "Change a provider's name, type or whether they are active",
      tags: ['Providers'],
      middleware: [requireJsonBody],
      request: { params: ZProviderPath, query: ZClinicQuery, body: { required: true, content: { 'application/json': { schema: ZProviderPatch } } } },
      responses: {
        200: { description: 'The provider after the change.', content: { 'application/json': { schema: ZProvider } } },
        ...staffErrors({
          400: '`bad_request` naming `id`, `name`, `type`, `active`, a field it does not take, `clinic`, or `body`; nothing is written.',
          404: '`not_found`: no such provider (`field: "id"`) or clinic.',
          409: '`conflict` naming `name`: another provider of the clinic has that name (in any case).',
          ...jsonErrors,
          503: '`unavailable`: made inactive, but Postgres did not answer while their open cancellations were aborted; send `active: false` again to abort the rest.',
        }),
      },
    }),
    async (c) => {
      const clinic = await getClinicBySlug(deps.sql, c.req.valid('query').clinic);
      const patch = c.req.valid('json');
      const provider = await updateProvider(deps.sql, clinic.id, Number(c.req.valid('param').id), patch);
      // After the change commits: no slot of theirs can be logged from then on (`createCancellation` checks under their row lock).
      if (patch.active === false) await abortProviderCancellations(deps, clinic, provider.id);
      return c.json(providerJson(provider), 200);
    },
  );

  return app;
}
