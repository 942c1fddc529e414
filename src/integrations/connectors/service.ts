import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { newSigningSecret } from '../../platform/outbound/signing.ts';
import { isLocalhostName, UrlPolicy } from '../../platform/outbound/url-policy.ts';
import { isUuid } from '../../platform/uuid.ts';
import { SPI_ENDPOINTS, WEBHOOK_ENDPOINTS } from '../catalogue.ts';
import type { ConnectorType } from '../tables.ts';
import { resumeDeliveries } from '../webhooks/resume.ts';
import { type Connector, integrationSettings } from './lookup.ts';
import * as repo from './repo.ts';
import {
  type ConnectorListQuery,
  type ConnectorUpdate,
  type ConnectorView,
  type ConnectorWithSecret,
  MASKED_VALUE,
  type NewConnector,
} from './schemas.ts';
import { maskQuery, unmaskQuery, urlQueryPairs } from './url-query.ts';

const PREVIOUS_SECRET_LIFETIME_MS = 24 * 60 * 60 * 1000;
const DISABLED_BY_MERCHANT = 'Disabled through the API.';

function toView(row: Connector): ConnectorView {
  const masked = Object.fromEntries(
    Object.entries(row.headers).map(([name, value]) => [
      name,
      name.toLowerCase() === 'content-type' ? value : MASKED_VALUE,
    ]),
  );
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    endpointName: row.endpointName,
    url: maskQuery(row.url),
    integrationType: row.integrationType,
    headers: masked,
    ...(row.type === 'WEBHOOK' ? { events: row.events } : {}),
    apiKeySet: row.apiKey !== null,
    ...(row.apiVersion ? { apiVersion: row.apiVersion } : {}),
    timeoutMs: row.timeoutMs,
    latencyThresholdMs: row.latencyThresholdMs,
    enabled: row.enabled,
    signingSecretHint: `whsec_…${row.signingSecret.slice(-4)}`,
    ...optionalTime('previousSecretExpiresAt', row.previousSecretExpiresAt),
    ...optionalTime('failingSince', row.failingSince),
    ...optionalTime('lastFailureAt', row.lastFailureAt),
    ...optionalTime('disabledAt', row.disabledAt),
    ...(row.disabledReason ? { disabledReason: row.disabledReason } : {}),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function optionalTime<K extends string>(key: K, value: Date | null): { [P in K]?: number } {
  return (value ? { [key]: value.getTime() } : {}) as { [P in K]?: number };
}

function withSecret(row: Connector): ConnectorWithSecret {
  return { ...toView(row), signingSecret: row.signingSecret };
}

function notFound(id: string): Problem {
  return new Problem('not_found', `No connector has id "${id}".`);
}

/** The connector's row; an id that is not a UUID names no connector. */
async function existingConnector(ctx: Ctx, id: string, options: { lock?: boolean } = {}): Promise<Connector> {
  const row = isUuid(id) ? await repo.findConnector(ctx.tx, id, options) : undefined;
  if (!row) throw notFound(id);
  return row;
}

function endpointOf(type: ConnectorType, endpointName: string) {
  const catalogue = type === 'WEBHOOK' ? WEBHOOK_ENDPOINTS : SPI_ENDPOINTS;
  return Object.hasOwn(catalogue, endpointName) ? catalogue[endpointName] : undefined;
}

/** What is wrong with a connector as a whole: its endpoint, method, events and SPI fields must fit its type. */
function connectorErrors(type: ConnectorType, values: repo.ConnectorValues): FieldError[] {
  const endpoint = endpointOf(type, values.endpointName);
  if (!endpoint) {
    const names = Object.keys(type === 'WEBHOOK' ? WEBHOOK_ENDPOINTS : SPI_ENDPOINTS);
    return [{ field: 'body.endpointName', message: `must be a ${type} endpoint: ${names.join(', ')}` }];
  }
  const errors: FieldError[] = [];
  if (!endpoint.integrationTypes.includes(values.integrationType)) {
    errors.push({
      field: 'body.integrationType',
      message: `${values.endpointName} is called with ${endpoint.integrationTypes.join(' or ')}`,
    });
  }
  if (type === 'WEBHOOK') {
    const allowed = 'events' in endpoint ? (endpoint.events as readonly string[]) : [];
    for (const [index, event] of values.events.entries()) {
      if (!allowed.includes(event)) {
        errors.push({
          field: `body.events.${index}`,
          message: `"${event}" is not an event of ${values.endpointName}; its events: ${allowed.join(', ')}`,
        });
      }
    }
    const onlySpi = 'only SPI connectors have one; leave it out';
    if (values.apiKey !== null) errors.push({ field: 'body.apiKey', message: onlySpi });
    if (values.apiVersion !== null) errors.push({ field: 'body.apiVersion', message: onlySpi });
  } else {
    if (values.events.length > 0) {
      errors.push({ field: 'body.events', message: 'SPI connectors receive no events; leave events out' });
    }
    if (values.apiKey === null) {
      errors.push({
        field: 'body.apiKey',
        message: 'is required for SPI connectors: every call carries api_key',
      });
    }
  }
  return errors;
}

/**
 * Refuses a URL whose address the outbound policy does not allow: an address literal, or `localhost` and names
 * under it, which are loopback by definition. Other host names are checked when resolved, at each call.
 */
async function assertUrlAllowed(ctx: Ctx, url: string): Promise<void> {
  const ceiling = ctx.platform.config.outboundAllowedNetworks;
  const reason = refuseAtSave(new UrlPolicy((await integrationSettings(ctx)).allowedNetworks, ceiling), url);
  if (!reason) return;
  const tenantCanAllow = refuseAtSave(new UrlPolicy(ceiling, ceiling), url) === undefined;
  const remedy = tenantCanAllow
    ? ' Add the range to allowedNetworks in PUT /merchant/v1/integrations/settings to call it.'
    : " This Backroom's operator does not allow it either (BACKROOM_OUTBOUND_ALLOWED_NETWORKS).";
  throw new Problem('rule_violated', `body.url: ${reason}.${remedy}`, {
    errors: [{ field: 'body.url', message: reason }],
  });
}

function refuseAtSave(policy: UrlPolicy, url: string): string | undefined {
  const refused = policy.refuseUrl(url);
  if (refused || !isLocalhostName(new URL(url).hostname)) return refused;
  return policy.refuseAddress('127.0.0.1');
}

/** The 409 for a second enabled SPI connector of an endpoint, naming the one in the way. */
async function spiTaken(ctx: Ctx, endpointName: string, exceptId?: string): Promise<Problem> {
  const existing = await repo.findEnabledSpi(ctx.tx, endpointName, exceptId);
  const which = existing ? `"${existing.name}" (${existing.id})` : 'another connector';
  return new Problem(
    'already_exists',
    `${which} is already the enabled SPI connector for ${endpointName}; disable it first.`,
    { errors: [{ field: 'body.endpointName', message: `already served by ${which}` }] },
  );
}

export async function createConnector(ctx: Ctx, input: NewConnector): Promise<ConnectorWithSecret> {
  const endpoint = endpointOf(input.type, input.endpointName);
  const values: repo.ConnectorValues = {
    name: input.name,
    endpointName: input.endpointName,
    url: input.url,
    integrationType: input.integrationType ?? endpoint?.integrationTypes[0] ?? 'HTTP_POST',
    headers: input.headers,
    events: input.events,
    apiKey: input.apiKey ?? null,
    apiVersion: input.apiVersion ?? null,
    timeoutMs: input.timeoutMs,
    latencyThresholdMs: input.latencyThresholdMs,
    enabled: input.enabled,
  };
  throwIfFieldErrors('validation_failed', [
    ...connectorErrors(input.type, values),
    ...maskedHeaderErrors(values),
    ...maskedQueryErrors(values),
  ]);
  await assertUrlAllowed(ctx, values.url);
  const id = await repo.unlessSpiTaken(ctx.tx, () =>
    repo.insertConnector(
      ctx.tx,
      ctx.tenantId,
      { ...values, type: input.type, signingSecret: newSigningSecret() },
      ctx.now(),
    ),
  );
  if (id === repo.SPI_TAKEN) throw await spiTaken(ctx, values.endpointName);
  return withSecret(await existingConnector(ctx, id));
}

function maskedHeaderErrors(values: repo.ConnectorValues): FieldError[] {
  return Object.entries(values.headers)
    .filter(([, value]) => value === MASKED_VALUE)
    .map(([name]) => ({
      field: `body.headers.${name}`,
      message: `${MASKED_VALUE} stands for a stored value and this connector has no such header; send the value`,
    }));
}

function maskedQueryErrors(values: repo.ConnectorValues): FieldError[] {
  const masked = urlQueryPairs(values.url).filter(([, value]) => value === MASKED_VALUE);
  if (masked.length === 0) return [];
  const names = masked.map(([name]) => name).join(', ');
  return [
    {
      field: 'body.url',
      message: `${MASKED_VALUE} stands for a stored query value and this connector has none for ${names}; send the value`,
    },
  ];
}

/** The headers of an update, with masked values (as Backroom answers them) replaced by the stored ones. */
function unmaskHeaders(sent: Record<string, string>, stored: Record<string, string>): Record<string, string> {
  const storedByName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.fromEntries(
    Object.entries(sent).map(([name, value]) => [
      name,
      value === MASKED_VALUE ? (storedByName.get(name.toLowerCase()) ?? value) : value,
    ]),
  );
}

export async function getConnector(ctx: Ctx, id: string): Promise<ConnectorView> {
  return toView(await existingConnector(ctx, id));
}

export async function listConnectors(ctx: Ctx, query: ConnectorListQuery): Promise<Page<ConnectorView>> {
  const rows = await repo.listConnectorRows(ctx.tx, {
    type: query.type,
    endpointName: query.endpointName,
    enabled: query.enabled,
    after: query.cursor ? connectorCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => [row.name, row.id], toView);
}

/** The name and id of the last connector of the previous page, as `listConnectors` encoded them. */
function connectorCursor(cursor: string): { name: string; id: string } {
  const key = decodeCursor(cursor);
  const [name, id] = key;
  if (key.length !== 2 || typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) {
    throw new Problem('invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ field: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return { name, id };
}

const updatable = [
  'name',
  'endpointName',
  'url',
  'integrationType',
  'headers',
  'events',
  'apiKey',
  'apiVersion',
  'timeoutMs',
  'latencyThresholdMs',
  'enabled',
] as const;

/** Applies the fields given; the connector they make is checked as a new one would be. */
export async function updateConnector(ctx: Ctx, id: string, update: ConnectorUpdate): Promise<ConnectorView> {
  const current = await existingConnector(ctx, id, { lock: true });
  if (update.type !== undefined && update.type !== current.type) {
    throw new Problem(
      'rule_violated',
      `A ${current.type} connector cannot become ${update.type}; create one.`,
      {
        errors: [{ field: 'body.type', message: `cannot change from ${current.type}` }],
      },
    );
  }
  const next: repo.ConnectorValues = { ...valuesOf(current) };
  for (const field of updatable) {
    if (update[field] !== undefined) Object.assign(next, { [field]: update[field] });
  }
  if (update.headers) next.headers = unmaskHeaders(update.headers, current.headers);
  if (update.url) next.url = unmaskQuery(update.url, current.url);
  throwIfFieldErrors('validation_failed', [
    ...connectorErrors(current.type, next),
    ...maskedHeaderErrors(next),
    ...maskedQueryErrors(next),
  ]);
  if (next.url !== current.url) await assertUrlAllowed(ctx, next.url);
  const changed = updatable.filter((field) => JSON.stringify(next[field]) !== JSON.stringify(current[field]));
  if (changed.length === 0) return toView(current);
  const changes: Partial<repo.ConnectorValues> & repo.ConnectorState = Object.fromEntries(
    changed.map((field) => [field, next[field]]),
  );
  if (changed.includes('enabled'))
    Object.assign(changes, enabledStateChange(current, next.enabled, ctx.now()));
  await writeConnector(ctx, current, changes);
  return toView(await existingConnector(ctx, id));
}

function valuesOf(row: Connector): repo.ConnectorValues {
  return {
    name: row.name,
    endpointName: row.endpointName,
    url: row.url,
    integrationType: row.integrationType,
    headers: row.headers,
    events: row.events,
    apiKey: row.apiKey,
    apiVersion: row.apiVersion,
    timeoutMs: row.timeoutMs,
    latencyThresholdMs: row.latencyThresholdMs,
    enabled: row.enabled,
  };
}

/**
 * Turning a connector on clears its failure run and any reason it was off (it may have been disabled after
 * failing for days); turning it off records when and why.
 */
function enabledStateChange(current: Connector, enabled: boolean, now: Date): repo.ConnectorState {
  if (enabled) return { failingSince: null, disabledAt: null, disabledReason: null };
  if (!current.enabled) return {};
  return { disabledAt: now, disabledReason: DISABLED_BY_MERCHANT };
}

/** Writes the changes; a WEBHOOK connector turned back on has its waiting deliveries sent again. */
async function writeConnector(
  ctx: Ctx,
  current: Connector,
  changes: Partial<repo.ConnectorValues> & repo.ConnectorState,
): Promise<void> {
  const written = await repo.unlessSpiTaken(ctx.tx, () =>
    repo.updateConnectorRow(ctx.tx, current.id, changes, ctx.now()),
  );
  if (written === repo.SPI_TAKEN) {
    throw await spiTaken(ctx, changes.endpointName ?? current.endpointName, current.id);
  }
  if (current.type === 'WEBHOOK' && !current.enabled && changes.enabled === true) {
    await resumeDeliveries(ctx, current.id);
  }
}

export async function deleteConnector(ctx: Ctx, id: string): Promise<ConnectorView> {
  const current = await existingConnector(ctx, id, { lock: true });
  await repo.deleteConnectorRow(ctx.tx, id);
  return toView(current);
}

/** A new signing secret; the previous one keeps signing for 24 hours so receivers can switch without a gap. */
export async function rotateSecret(ctx: Ctx, id: string): Promise<ConnectorWithSecret> {
  const current = await existingConnector(ctx, id, { lock: true });
  const now = ctx.now();
  await repo.updateConnectorRow(
    ctx.tx,
    id,
    {
      signingSecret: newSigningSecret(),
      previousSigningSecret: current.signingSecret,
      previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_LIFETIME_MS),
    },
    now,
  );
  return withSecret(await existingConnector(ctx, id));
}

export async function setEnabled(ctx: Ctx, id: string, enabled: boolean): Promise<ConnectorView> {
  const current = await existingConnector(ctx, id, { lock: true });
  await writeConnector(ctx, current, { enabled, ...enabledStateChange(current, enabled, ctx.now()) });
  return toView(await existingConnector(ctx, id));
}
