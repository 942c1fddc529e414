import type { Insertable, Selectable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { OrderLinesTable, OrdersTable, OrderTendersTable } from './tables.ts';

export type OrderRow = Selectable<OrdersTable> & {
  customerId: string | null;
  originalOrderId: string | null;
};
export type OrderLineRow = Selectable<OrderLinesTable>;
export type OrderTenderRow = Selectable<OrderTendersTable>;
export type OrderValues = Omit<Insertable<OrdersTable>, 'tenantId' | 'id'>;

function orderQuery(tx: Tx) {
  return tx
    .selectFrom('orders')
    .leftJoin('customers', 'customers.id', 'orders.customerUuid')
    .leftJoin('orders as original', 'original.id', 'orders.originalOrderUuid')
    .selectAll('orders')
    .select(['customers.customerId as customerId', 'original.orderId as originalOrderId']);
}

/** Inserts the order unless its orderId is taken; undefined when another posting of it came first. */
export async function insertOrder(
  tx: Tx,
  tenantId: string,
  values: OrderValues,
): Promise<string | undefined> {
  const row = await tx
    .insertInto('orders')
    .values({ ...values, tenantId })
    .onConflict((oc) => oc.columns(['tenantId', 'orderId']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export function findOrder(tx: Tx, orderId: string): Promise<OrderRow | undefined> {
  return orderQuery(tx).where('orders.orderId', '=', orderId).executeTakeFirst();
}

export function findOrders(tx: Tx, orderIds: readonly string[]): Promise<OrderRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return orderQuery(tx)
    .where('orders.orderId', 'in', [...orderIds])
    .execute();
}

export async function insertLines(
  tx: Tx,
  tenantId: string,
  lines: Omit<Insertable<OrderLinesTable>, 'tenantId'>[],
) {
  if (lines.length === 0) return;
  await tx
    .insertInto('orderLines')
    .values(lines.map((line) => ({ ...line, tenantId })))
    .execute();
}

export async function insertTenders(
  tx: Tx,
  tenantId: string,
  tenders: Omit<Insertable<OrderTendersTable>, 'tenantId'>[],
) {
  if (tenders.length === 0) return;
  await tx
    .insertInto('orderTenders')
    .values(tenders.map((tender) => ({ ...tender, tenantId })))
    .execute();
}

export function linesOf(tx: Tx, orderUuids: readonly string[]): Promise<OrderLineRow[]> {
  if (orderUuids.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('orderLines')
    .selectAll()
    .where('orderUuid', 'in', [...orderUuids])
    .orderBy('orderUuid')
    .orderBy('lineNumber')
    .execute();
}

export function tendersOf(tx: Tx, orderUuids: readonly string[]): Promise<OrderTenderRow[]> {
  if (orderUuids.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('orderTenders')
    .selectAll()
    .where('orderUuid', 'in', [...orderUuids])
    .orderBy('orderUuid')
    .orderBy('tenderNumber')
    .execute();
}

/** The sale lines of an order, locked so two returns against it take turns. */
export function lockSaleLines(tx: Tx, orderUuid: string): Promise<OrderLineRow[]> {
  return tx
    .selectFrom('orderLines')
    .selectAll()
    .where('orderUuid', '=', orderUuid)
    .where('kind', '=', 'sale')
    .orderBy('lineNumber')
    .forUpdate()
    .execute();
}

/** The status of each of these fulfillments, by id. */
export async function fulfillmentStatuses(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('fulfillments').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.status]));
}

export async function addReturnedQuantity(tx: Tx, orderUuid: string, lineNumber: number, quantity: number) {
  await tx
    .updateTable('orderLines')
    .set((eb) => ({ returnedQuantity: eb('returnedQuantity', '+', quantity) }))
    .where('orderUuid', '=', orderUuid)
    .where('lineNumber', '=', lineNumber)
    .execute();
}

export async function touchOrder(tx: Tx, orderUuid: string, now: Date) {
  await tx.updateTable('orders').set({ updatedAt: now }).where('id', '=', orderUuid).execute();
}

export function returnsAgainst(tx: Tx, orderUuids: readonly string[]) {
  if (orderUuids.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('orders')
    .select(['originalOrderUuid', 'orderId', 'occurredAt'])
    .where('originalOrderUuid', 'in', [...orderUuids])
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();
}

export interface OrderFilters {
  customerUuids?: string[];
  storeId?: string | undefined;
  channel?: string | undefined;
  status?: string | undefined;
  type?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  productId?: string | undefined;
  cardLast4?: string | undefined;
  after?: { occurredAt: Date; id: string } | undefined;
  limit: number;
}

/** Orders matching every filter, newest first, keyset-paged on (occurred_at, id). */
export function searchOrders(tx: Tx, filters: OrderFilters): Promise<OrderRow[]> {
  let query = orderQuery(tx);
  if (filters.customerUuids) query = query.where('orders.customerUuid', 'in', filters.customerUuids);
  if (filters.storeId) query = query.where('orders.storeId', '=', filters.storeId);
  if (filters.channel) query = query.where('orders.channel', '=', filters.channel as never);
  if (filters.status) query = query.where('orders.status', '=', filters.status as never);
  if (filters.type) query = query.where('orders.type', '=', filters.type as never);
  if (filters.from) query = query.where('orders.occurredAt', '>=', filters.from);
  if (filters.to) query = query.where('orders.occurredAt', '<', filters.to);
  const { productId, cardLast4, after } = filters;
  if (productId) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('orderLines')
          .select('orderLines.lineNumber')
          .whereRef('orderLines.orderUuid', '=', 'orders.id')
          .where('orderLines.productId', '=', productId),
      ),
    );
  }
  if (cardLast4) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('orderTenders')
          .select('orderTenders.tenderNumber')
          .whereRef('orderTenders.orderUuid', '=', 'orders.id')
          .where('orderTenders.cardLast4', '=', cardLast4),
      ),
    );
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('orders.occurredAt', '<', after.occurredAt),
        eb.and([eb('orders.occurredAt', '=', after.occurredAt), eb('orders.id', '<', after.id)]),
      ]),
    );
  }
  return query
    .orderBy('orders.occurredAt', 'desc')
    .orderBy('orders.id', 'desc')
    .limit(filters.limit + 1)
    .execute();
}

/** The customer and every customer merged into it. */
export async function customerAndMerged(tx: Tx, customerUuid: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('customers')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', customerUuid), eb('mergedInto', '=', customerUuid)]))
    .execute();
  return rows.map((row) => row.id);
}
