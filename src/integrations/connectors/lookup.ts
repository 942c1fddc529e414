import { type Selectable, sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import { narrowToCeiling } from '../../platform/outbound/url-policy.ts';
import type { ConnectorsTable } from '../tables.ts';
import { urlQueryValues } from './url-query.ts';

export type Connector = Selectable<ConnectorsTable>;

/**
 * Connector rows with their headers read as text: the camel-casing of column names would otherwise rename
 * header names inside the jsonb (`X_Client_Id` would come back as `XClientId`).
 */
export function selectConnectors(tx: Tx) {
  return tx.selectFrom('connectors').selectAll().select(sql<string>`headers::text`.as('headersText'));
}

/** A row of `selectConnectors` as a Connector, its headers exactly as stored. */
export function toConnector<R extends Connector & { headersText: string }>(row: R): Connector {
  const { headersText, ...connector } = row;
  return { ...connector, headers: JSON.parse(headersText) as Record<string, string> };
}

export interface IntegrationSettings {
  alertEmail: string | null;
  alertWindowMinutes: number;
  disableAfterMinutes: number;
  allowedNetworks: string[];
}

export const DEFAULT_INTEGRATION_SETTINGS: IntegrationSettings = {
  alertEmail: null,
  alertWindowMinutes: 60,
  disableAfterMinutes: 7200,
  allowedNetworks: [],
};

/**
 * The tenant's integration settings, or the defaults when it has never set them. `allowedNetworks` keeps only
 * the entries within the operator's ceiling (BACKROOM_OUTBOUND_ALLOWED_NETWORKS), which may have narrowed
 * since they were saved, so it can be given to `sendOutbound` as it is.
 */
export async function integrationSettings(ctx: Ctx): Promise<IntegrationSettings> {
  const row = await ctx.tx
    .selectFrom('integrationSettings')
    .select(['alertEmail', 'alertWindowMinutes', 'disableAfterMinutes', 'allowedNetworks'])
    .executeTakeFirst();
  if (!row) return DEFAULT_INTEGRATION_SETTINGS;
  const ceiling = ctx.platform.config.outboundAllowedNetworks;
  return { ...row, allowedNetworks: narrowToCeiling(row.allowedNetworks, ceiling) };
}

/**
 * Webhook connectors of the given endpoints that subscribe to `eventType` (no list = every event), enabled or
 * not: a disabled connector's deliveries wait until it is enabled again.
 */
export async function webhookConnectorsFor(
  ctx: Ctx,
  endpointNames: readonly string[],
  eventType: string,
): Promise<Connector[]> {
  if (endpointNames.length === 0) return [];
  const rows = await selectConnectors(ctx.tx)
    .where('type', '=', 'WEBHOOK')
    .where('endpointName', 'in', [...endpointNames])
    .execute();
  return rows.map(toConnector).filter((c) => c.events.length === 0 || c.events.includes(eventType));
}

/** Whether the tenant has an enabled webhook connector of this endpoint. */
export async function hasEnabledWebhook(ctx: Ctx, endpointName: string): Promise<boolean> {
  const row = await ctx.tx
    .selectFrom('connectors')
    .select('id')
    .where('type', '=', 'WEBHOOK')
    .where('enabled', '=', true)
    .where('endpointName', '=', endpointName)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The enabled SPI connector of an endpoint, if the merchant has configured one. */
export async function spiConnectorFor(ctx: Ctx, endpointName: string): Promise<Connector | undefined> {
  const row = await selectConnectors(ctx.tx)
    .where('type', '=', 'SPI')
    .where('enabled', '=', true)
    .where('endpointName', '=', endpointName)
    .executeTakeFirst();
  return row && toConnector(row);
}

export async function connectorById(ctx: Ctx, id: string): Promise<Connector | undefined> {
  const row = await selectConnectors(ctx.tx).where('id', '=', id).executeTakeFirst();
  return row && toConnector(row);
}

/** The secrets a request is signed with: the current one, and the previous one until it expires. */
export function signingSecrets(connector: Connector, now: Date): string[] {
  const previousValid =
    connector.previousSigningSecret &&
    connector.previousSecretExpiresAt &&
    connector.previousSecretExpiresAt.getTime() > now.getTime();
  return previousValid
    ? [connector.signingSecret, connector.previousSigningSecret as string]
    : [connector.signingSecret];
}

/**
 * Values that must never appear in a record or log: the API key, signing secrets, header values and the
 * values of the URL's query parameters (merchants put access codes there).
 */
export function connectorSecrets(connector: Connector): string[] {
  return [
    connector.apiKey,
    connector.signingSecret,
    connector.previousSigningSecret,
    ...Object.values(connector.headers),
    ...urlQueryValues(connector.url),
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
}
