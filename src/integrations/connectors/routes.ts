import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { replayAs } from '../../platform/http/idempotency.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  type ConnectorWithSecret,
  connectorListQuery,
  connectorParams,
  connectorSchema,
  connectorUpdateSchema,
  connectorWithSecretSchema,
  integrationSettingsSchema,
  integrationSettingsUpdateSchema,
  newConnectorSchema,
} from './schemas.ts';
import * as connectors from './service.ts';
import * as settings from './settings-service.ts';

const tags = ['Connectors'];

const SHOWN_ONCE =
  'The signing secret is answered in full only once, by the first response; this replay of the same ' +
  'Idempotency-Key answers its hint. If the first answer was lost, rotate the secret.';

/** The answer with the full signing secret; an Idempotency-Key stores and replays it with the hint instead. */
function secretShownOnce(answer: ConnectorWithSecret): ConnectorWithSecret {
  return replayAs(answer, {
    ...answer,
    signingSecret: answer.signingSecretHint,
    signingSecretNote: SHOWN_ONCE,
  });
}

export function connectorRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/connectors',
    scope: 'integrations:read',
    tags,
    summary: 'List custom connectors',
    description: 'In order of name. Filters: `type`, `endpointName`, `enabled`. Secrets are never answered.',
    query: connectorListQuery,
    response: pageOf(connectorSchema),
    handler: (ctx, { query }) => connectors.listConnectors(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/connectors/:id',
    scope: 'integrations:read',
    tags,
    summary: 'Get one custom connector',
    params: connectorParams,
    response: connectorSchema,
    handler: (ctx, { params }) => connectors.getConnector(ctx, params.id),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/connectors',
    scope: 'integrations:write',
    tags,
    summary: 'Create a custom connector (webhook or SPI)',
    description:
      'Answers the full signing secret once (a replay of the same Idempotency-Key answers its hint and ' +
      '`signingSecretNote`). 400 for an endpoint name, method or event that does not fit the ' +
      "type; 422 `rule_violated` for a URL the merchant's outbound policy refuses; 409 `already_exists` for a " +
      'second enabled SPI connector of the same endpoint.',
    body: newConnectorSchema,
    status: 201,
    response: connectorWithSecretSchema,
    handler: async (ctx, { body }) => secretShownOnce(await connectors.createConnector(ctx, body)),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/connectors/:id',
    scope: 'integrations:write',
    tags,
    summary: 'Change a custom connector',
    description:
      'Changes the given fields; the type cannot change. The resulting connector is checked as on create. ' +
      'Enabling clears the failure state and resends waiting webhook deliveries.',
    params: connectorParams,
    body: connectorUpdateSchema,
    response: connectorSchema,
    handler: (ctx, { params, body }) => connectors.updateConnector(ctx, params.id, body),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/connectors/:id',
    scope: 'integrations:write',
    tags,
    summary: 'Delete a custom connector',
    description: 'Deletes the connector with its deliveries and call records, and answers it as it was.',
    params: connectorParams,
    response: connectorSchema,
    handler: (ctx, { params }) => connectors.deleteConnector(ctx, params.id),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/connectors/:id/rotate-secret',
    scope: 'integrations:write',
    tags,
    summary: "Rotate a connector's signing secret",
    description:
      'Answers the new secret once (a replay of the same Idempotency-Key answers its hint and ' +
      '`signingSecretNote`). The previous one keeps signing too until `previousSecretExpiresAt` ' +
      '(24 hours); a second rotation within that time drops the oldest.',
    params: connectorParams,
    response: connectorWithSecretSchema,
    handler: async (ctx, { params }) => secretShownOnce(await connectors.rotateSecret(ctx, params.id)),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/connectors/:id/enable',
    scope: 'integrations:write',
    tags,
    summary: 'Enable a connector',
    description:
      'Also turns back on a connector disabled after failing continuously: clears `failingSince`, ' +
      '`disabledAt` and `disabledReason`, and resends its waiting webhook deliveries.',
    params: connectorParams,
    response: connectorSchema,
    handler: (ctx, { params }) => connectors.setEnabled(ctx, params.id, true),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/connectors/:id/disable',
    scope: 'integrations:write',
    tags,
    summary: 'Disable a connector',
    description: 'Backroom stops calling it; SPI capabilities fall back to their built-in defaults.',
    params: connectorParams,
    response: connectorSchema,
    handler: (ctx, { params }) => connectors.setEnabled(ctx, params.id, false),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/integrations/settings',
    scope: 'integrations:read',
    tags: ['Integration settings'],
    summary: 'Get the integration settings',
    description: 'Alerting, automatic disabling and the outbound address policy of every connector.',
    response: integrationSettingsSchema,
    handler: (ctx) => settings.getIntegrationSettings(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/integrations/settings',
    scope: 'integrations:write',
    tags: ['Integration settings'],
    summary: 'Change the integration settings',
    description:
      'Changes the given fields; `alertEmail: null` sends alerts to the support address again. 422 ' +
      '`rule_violated` for an `allowedNetworks` entry outside what this Backroom allows ' +
      '(BACKROOM_OUTBOUND_ALLOWED_NETWORKS).',
    body: integrationSettingsUpdateSchema,
    response: integrationSettingsSchema,
    handler: (ctx, { body }) => settings.updateIntegrationSettings(ctx, body),
  });
}
