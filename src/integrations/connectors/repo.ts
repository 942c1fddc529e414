import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { ConnectorType, IntegrationType } from '../tables.ts';
import { type Connector, selectConnectors, toConnector } from './lookup.ts';

export interface ConnectorValues {
  name: string;
  endpointName: string;
  url: string;
  integrationType: IntegrationType;
  headers: Record<string, string>;
  events: string[];
  apiKey: string | null;
  apiVersion: string | null;
  timeoutMs: number;
  latencyThresholdMs: number;
  enabled: boolean;
}

/** Columns a change may set besides the connector's own values: secrets and the health of its calls. */
export interface ConnectorState {
  signingSecret?: string;
  previousSigningSecret?: string | null;
  previousSecretExpiresAt?: Date | null;
  failingSince?: Date | null;
  disabledAt?: Date | null;
  disabledReason?: string | null;
}

export async function insertConnector(
  tx: Tx,
  tenantId: string,
  values: ConnectorValues & { type: ConnectorType; signingSecret: string },
  now: Date,
): Promise<string> {
  const row = await tx
    .insertInto('connectors')
    .values({ ...values, headers: JSON.stringify(values.headers), tenantId, createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findConnector(
  tx: Tx,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Connector | undefined> {
  const query = selectConnectors(tx).where('id', '=', id);
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return row && toConnector(row);
}

export async function updateConnectorRow(
  tx: Tx,
  id: string,
  changes: Partial<ConnectorValues> & ConnectorState,
  now: Date,
): Promise<void> {
  const { headers, ...rest } = changes;
  await tx
    .updateTable('connectors')
    .set({ ...rest, ...(headers ? { headers: JSON.stringify(headers) } : {}), updatedAt: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteConnectorRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('connectors').where('id', '=', id).execute();
}

export interface ConnectorFilter {
  type?: ConnectorType | undefined;
  endpointName?: string | undefined;
  enabled?: boolean | undefined;
  after?: { name: string; id: string } | undefined;
  limit: number;
}

/** Connectors in order of name, then id. */
export async function listConnectorRows(tx: Tx, filter: ConnectorFilter): Promise<Connector[]> {
  let query = selectConnectors(tx).orderBy('name').orderBy('id').limit(filter.limit);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.endpointName) query = query.where('endpointName', '=', filter.endpointName);
  if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
  const after = filter.after;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(after.name, after.id)));
  }
  return (await query.execute()).map(toConnector);
}

/** The enabled SPI connector of an endpoint other than `exceptId`, if there is one. */
export function findEnabledSpi(tx: Tx, endpointName: string, exceptId?: string) {
  let query = tx
    .selectFrom('connectors')
    .select(['id', 'name'])
    .where('type', '=', 'SPI')
    .where('enabled', '=', true)
    .where('endpointName', '=', endpointName);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

export const SPI_TAKEN = Symbol('another enabled SPI connector has this endpoint');

/**
 * Runs a write that may enable a second SPI connector for an endpoint. The unique index decides, so two
 * requests at once cannot both succeed; the savepoint keeps the transaction usable after the violation.
 */
export async function unlessSpiTaken<T>(tx: Tx, write: () => Promise<T>): Promise<T | typeof SPI_TAKEN> {
  await sql`savepoint connector_write`.execute(tx);
  try {
    const result = await write();
    await sql`release savepoint connector_write`.execute(tx);
    return result;
  } catch (error) {
    const pgError = error as { code?: string; constraint?: string };
    if (pgError.code !== '23505' || pgError.constraint !== 'connectors_one_enabled_spi') throw error;
    await sql`rollback to savepoint connector_write`.execute(tx);
    return SPI_TAKEN;
  }
}

export interface SettingsRow {
  alertEmail: string | null;
  alertWindowMinutes: number;
  disableAfterMinutes: number;
  allowedNetworks: string[];
  updatedAt: Date;
}

export function findSettings(tx: Tx): Promise<SettingsRow | undefined> {
  return tx
    .selectFrom('integrationSettings')
    .select(['alertEmail', 'alertWindowMinutes', 'disableAfterMinutes', 'allowedNetworks', 'updatedAt'])
    .executeTakeFirst();
}

export async function upsertSettings(
  tx: Tx,
  tenantId: string,
  values: Omit<SettingsRow, 'updatedAt'>,
  now: Date,
): Promise<void> {
  const row = { ...values, updatedAt: now };
  await tx
    .insertInto('integrationSettings')
    .values({ ...row, tenantId })
    .onConflict((oc) => oc.column('tenantId').doUpdateSet(row))
    .execute();
}
