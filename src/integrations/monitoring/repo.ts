import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { ConnectorCallsTable } from '../tables.ts';

/** A connector call as written: every column but the generated id. */
export type NewCallRecord = Omit<Selectable<ConnectorCallsTable>, 'id'>;

export async function insertCall(tx: Tx, call: NewCallRecord): Promise<void> {
  await tx.insertInto('connectorCalls').values(call).execute();
}

/** The transaction with the call's insert as a `with`: the statement built on it records the call too. */
export function withCall(tx: Tx, call: NewCallRecord) {
  return tx.with('recordedCall', (db) => db.insertInto('connectorCalls').values(call));
}

/** Failed calls (refusals by an open circuit aside) since `since`. */
export async function countFailuresSince(tx: Tx, connectorId: string, since: Date): Promise<number> {
  const row = await tx
    .selectFrom('connectorCalls')
    .select((eb) => eb.fn.countAll<number>().as('failures'))
    .where('connectorId', '=', connectorId)
    .where('startedAt', '>=', since)
    .where('outcome', '=', 'failed')
    .where((eb) => eb('failure', 'is distinct from', 'circuit_open'))
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Calls since `since` that were answered, but later than `thresholdMs`. */
export async function countSlowCallsSince(
  tx: Tx,
  connectorId: string,
  since: Date,
  thresholdMs: number,
): Promise<number> {
  const row = await tx
    .selectFrom('connectorCalls')
    .select((eb) => eb.fn.countAll<number>().as('slow'))
    .where('connectorId', '=', connectorId)
    .where('startedAt', '>=', since)
    .where('statusCode', 'is not', null)
    .where('latencyMs', '>', thresholdMs)
    .executeTakeFirstOrThrow();
  return Number(row.slow);
}

export interface MerchantContact {
  merchantId: string;
  environment: string;
  supportEmail: string | null;
}

/** The merchant and environment of the current tenant, with its support address (merchants is readable). */
export async function merchantContact(tx: Tx, tenantId: string): Promise<MerchantContact | undefined> {
  return tx
    .selectFrom('tenants')
    .innerJoin('merchants', 'merchants.id', 'tenants.merchantId')
    .select(['tenants.merchantId', 'tenants.environment', 'merchants.supportEmail'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
}

export interface CallStats {
  calls: number;
  succeeded: number;
  failed: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

/** Counts and latency percentiles of a connector's calls since `since`; refusals take no time, so no latency. */
export async function callStats(tx: Tx, connectorId: string, since: Date): Promise<CallStats> {
  const { rows } = await sql<CallStats>`
    select count(*)::int as calls,
      count(*) filter (where outcome = 'succeeded')::int as succeeded,
      count(*) filter (where outcome = 'failed')::int as failed,
      percentile_cont(0.5) within group (order by latency_ms)
        filter (where failure is distinct from 'circuit_open') as "p50LatencyMs",
      percentile_cont(0.95) within group (order by latency_ms)
        filter (where failure is distinct from 'circuit_open') as "p95LatencyMs"
    from connector_calls
    where connector_id = ${connectorId} and started_at >= ${since}`.execute(tx);
  return rows[0] as CallStats;
}

export type LastError = Pick<NewCallRecord, 'startedAt' | 'statusCode' | 'failure' | 'error'>;

/**
 * The latest failed call, looked for no later than the connector's last failure: the search starts at that
 * row of the index instead of walking back through every success after it.
 */
export async function lastError(
  tx: Tx,
  connectorId: string,
  lastFailureAt: Date,
): Promise<LastError | undefined> {
  return tx
    .selectFrom('connectorCalls')
    .select(['startedAt', 'statusCode', 'failure', 'error'])
    .where('connectorId', '=', connectorId)
    .where('startedAt', '<=', lastFailureAt)
    .where('outcome', '=', 'failed')
    .where((eb) => eb('failure', 'is distinct from', 'circuit_open'))
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function lastSuccessAt(tx: Tx, connectorId: string): Promise<Date | undefined> {
  const row = await tx
    .selectFrom('connectorCalls')
    .select('startedAt')
    .where('connectorId', '=', connectorId)
    .where('outcome', '=', 'succeeded')
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.startedAt;
}
