import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { DeliveryStatus } from '../tables.ts';
import { enqueueAttempt } from './schedule.ts';

export interface DeliveryFilter {
  connectorId?: string | undefined;
  endpointName?: string | undefined;
  eventType?: string | undefined;
  status?: DeliveryStatus | undefined;
  /** Epoch milliseconds, inclusive. */
  from?: number | undefined;
  /** Epoch milliseconds, inclusive to the millisecond. */
  to?: number | undefined;
}

/** Where a page starts: after the delivery created at `createdAt` (ISO 8601 with microseconds) with this id. */
export interface DeliveryCursor {
  createdAt: string;
  id: string;
}

type Deliveries = ExpressionBuilder<Database, 'webhookDeliveries'>;

function matching(filter: DeliveryFilter) {
  return (eb: Deliveries): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.connectorId) conditions.push(eb('webhookDeliveries.connectorId', '=', filter.connectorId));
    if (filter.endpointName) conditions.push(eb('webhookDeliveries.endpointName', '=', filter.endpointName));
    if (filter.eventType) conditions.push(eb('webhookDeliveries.eventType', '=', filter.eventType));
    if (filter.status) conditions.push(eb('webhookDeliveries.status', '=', filter.status));
    if (filter.from !== undefined) {
      conditions.push(eb('webhookDeliveries.createdAt', '>=', new Date(filter.from)));
    }
    if (filter.to !== undefined)
      conditions.push(eb('webhookDeliveries.createdAt', '<', new Date(filter.to + 1)));
    return eb.and(conditions);
  };
}

/** The deliveries of those ids, or every one matching a search. */
export type DeliverySelection = { ids: readonly string[] } | { search: DeliveryFilter };

function selected(selection: DeliverySelection) {
  return (eb: Deliveries): Expression<SqlBool> =>
    'ids' in selection
      ? eb('webhookDeliveries.id', 'in', [...selection.ids])
      : matching(selection.search)(eb);
}

/** Deliveries joined to the connector each goes to. */
export function joinedToConnectors(tx: Tx) {
  return tx
    .selectFrom('webhookDeliveries')
    .innerJoin('connectors', (join) =>
      join
        .onRef('connectors.tenantId', '=', 'webhookDeliveries.tenantId')
        .onRef('connectors.id', '=', 'webhookDeliveries.connectorId'),
    );
}

function deliveriesWithConnector(tx: Tx) {
  return joinedToConnectors(tx).select([
    'webhookDeliveries.id',
    'webhookDeliveries.connectorId',
    'connectors.name as connectorName',
    'webhookDeliveries.endpointName',
    'webhookDeliveries.eventType',
    'webhookDeliveries.eventId',
    'webhookDeliveries.status',
    'webhookDeliveries.attempts',
    'webhookDeliveries.totalAttempts',
    'webhookDeliveries.lastStatusCode',
    'webhookDeliveries.lastError',
    'webhookDeliveries.createdAt',
    'webhookDeliveries.lastAttemptAt',
    'webhookDeliveries.nextAttemptAt',
    'webhookDeliveries.succeededAt',
    'webhookDeliveries.failedAt',
    'webhookDeliveries.repostedAt',
  ]);
}

/** Newest first, after the cursor; each row carries its cursor, exact to the microsecond. */
export function listDeliveryRows(
  tx: Tx,
  filter: DeliveryFilter,
  page: { after?: DeliveryCursor | undefined; limit: number },
) {
  const after = page.after;
  return deliveriesWithConnector(tx)
    .select(
      sql<string>`to_char(webhook_deliveries.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursorAt',
      ),
    )
    .where(matching(filter))
    .$if(after !== undefined, (query) =>
      query.where(
        sql<boolean>`(webhook_deliveries.created_at, webhook_deliveries.id) < (${after?.createdAt}::timestamptz, ${after?.id}::uuid)`,
      ),
    )
    .orderBy('webhookDeliveries.createdAt', 'desc')
    .orderBy('webhookDeliveries.id', 'desc')
    .limit(page.limit)
    .execute();
}

export type DeliveryRow = Awaited<ReturnType<typeof listDeliveryRows>>[number];

export function findDeliveryRow(tx: Tx, id: string) {
  return deliveriesWithConnector(tx)
    .select('webhookDeliveries.payload')
    .where('webhookDeliveries.id', '=', id)
    .executeTakeFirst();
}

/** Every attempt of a delivery, oldest first. */
export function attemptRows(tx: Tx, deliveryId: string) {
  return tx
    .selectFrom('connectorCalls')
    .select([
      'startedAt',
      'statusCode',
      'latencyMs',
      'outcome',
      'failure',
      'error',
      'responseExcerpt',
      'reposted',
    ])
    .where('deliveryId', '=', deliveryId)
    .orderBy('startedAt')
    .orderBy('id')
    .execute();
}

/** Those of `ids` the tenant has a delivery for. */
export async function existingDeliveryIds(tx: Tx, ids: readonly string[]): Promise<string[]> {
  const rows = await tx
    .selectFrom('webhookDeliveries')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((row) => row.id);
}

/** The disabled connectors the selected deliveries (pending ones aside) go to, by name. */
export function disabledConnectorsOf(tx: Tx, selection: DeliverySelection) {
  return joinedToConnectors(tx)
    .select(['connectors.id', 'connectors.name'])
    .distinct()
    .where(selected(selection))
    .where('webhookDeliveries.status', '<>', 'pending')
    .where('connectors.enabled', '=', false)
    .orderBy('connectors.name')
    .execute();
}

/**
 * Starts a new run of the retry schedule for at most `limit` selected deliveries that are not pending, the
 * oldest first, and schedules their first attempt now, all in one statement. Answers the ids reposted and
 * how many selected deliveries that are not pending are left (those beyond the limit).
 */
export async function repostDeliveries(
  tx: Tx,
  selection: DeliverySelection,
  now: Date,
  limit: number,
): Promise<{ ids: string[]; remaining: number }> {
  const rows = await tx
    .with('chosen', (db) =>
      db
        .selectFrom('webhookDeliveries')
        .select('webhookDeliveries.id')
        .where(selected(selection))
        .where('webhookDeliveries.status', '<>', 'pending')
        .orderBy('webhookDeliveries.createdAt')
        .orderBy('webhookDeliveries.id')
        .limit(limit)
        .forUpdate(),
    )
    .with('reposted', (db) =>
      db
        .updateTable('webhookDeliveries')
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, repostedAt: now })
        .where('webhookDeliveries.id', 'in', (eb) => eb.selectFrom('chosen').select('chosen.id'))
        .returning(['webhookDeliveries.id', 'webhookDeliveries.tenantId']),
    )
    .selectFrom('reposted')
    .select([
      'reposted.id',
      sql<string>`${enqueueAttempt(sql.ref('reposted.tenant_id'), sql.ref('reposted.id'), now)}::text`.as(
        'scheduled',
      ),
    ])
    .execute();
  // Later statements of the transaction see the reposted deliveries pending: what still matches is left.
  const left = await tx
    .selectFrom('webhookDeliveries')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where(selected(selection))
    .where('webhookDeliveries.status', '<>', 'pending')
    .executeTakeFirstOrThrow();
  return { ids: rows.map((row) => row.id), remaining: Number(left.count) };
}
