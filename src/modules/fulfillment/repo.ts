import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { FulfillmentStatus, FulfillmentsTable } from './tables.ts';

export type FulfillmentRow = Selectable<FulfillmentsTable>;
export type NewFulfillmentRow = Omit<Insertable<FulfillmentsTable>, 'tenantId' | 'id'>;

export async function insertFulfillment(
  tx: Tx,
  tenantId: string,
  values: NewFulfillmentRow,
): Promise<string> {
  const row = await tx
    .insertInto('fulfillments')
    .values({ ...values, tenantId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function countOfOrder(tx: Tx, orderUuid: string) {
  return tx
    .selectFrom('fulfillments')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('orderUuid', '=', orderUuid)
    .executeTakeFirstOrThrow();
}

export function fulfillmentsOf(tx: Tx, orderUuids: readonly string[]): Promise<FulfillmentRow[]> {
  if (orderUuids.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('fulfillments')
    .selectAll()
    .where('orderUuid', 'in', orderUuids)
    .orderBy('fulfillmentId')
    .execute();
}

export function findFulfillment(
  tx: Tx,
  fulfillmentId: string,
  options: { lock?: boolean } = {},
): Promise<FulfillmentRow | undefined> {
  let query = tx.selectFrom('fulfillments').selectAll().where('fulfillmentId', '=', fulfillmentId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function storeQueue(
  tx: Tx,
  storeId: string,
  status: FulfillmentStatus | undefined,
): Promise<FulfillmentRow[]> {
  let query = tx.selectFrom('fulfillments').selectAll().where('storeId', '=', storeId);
  query = status
    ? query.where('status', '=', status)
    : query.where('status', 'not in', ['completed', 'cancelled']);
  return query.orderBy('createdAt').orderBy('fulfillmentId').limit(500).execute();
}

export function backorderedIds(tx: Tx, limit: number): Promise<{ fulfillmentId: string }[]> {
  return tx
    .selectFrom('fulfillments')
    .select('fulfillmentId')
    .where('status', '=', 'backordered')
    .orderBy('createdAt')
    .orderBy('fulfillmentId')
    .limit(limit)
    .execute();
}

export async function tenantsWithBackorders(db: Db): Promise<string[]> {
  const { rows } = await sql<{ tenantId: string }>`
    select distinct tenant_id as "tenantId" from fulfillments where status = 'backordered'`.execute(db);
  return rows.map((row) => row.tenantId);
}

export async function updateFulfillment(
  tx: Tx,
  id: string,
  values: Partial<Omit<NewFulfillmentRow, 'orderUuid' | 'fulfillmentId'>>,
): Promise<void> {
  await tx.updateTable('fulfillments').set(values).where('id', '=', id).execute();
}

export async function assignLines(
  tx: Tx,
  orderUuid: string,
  lineNumbers: readonly number[],
  fulfillmentUuid: string,
): Promise<void> {
  await tx
    .updateTable('orderLines')
    .set({ fulfillmentUuid })
    .where('orderUuid', '=', orderUuid)
    .where('lineNumber', 'in', lineNumbers)
    .execute();
}

export function linesOfFulfillment(tx: Tx, fulfillmentUuid: string) {
  return tx
    .selectFrom('orderLines')
    .leftJoin('products', 'products.productId', 'orderLines.productId')
    .select(['orderLines.lineNumber', 'orderLines.productId', 'orderLines.quantity', 'products.name'])
    .where('orderLines.fulfillmentUuid', '=', fulfillmentUuid)
    .orderBy('orderLines.lineNumber')
    .execute();
}

export function orderOf(tx: Tx, orderUuid: string) {
  return tx
    .selectFrom('orders')
    .select(['id', 'orderId', 'status'])
    .where('id', '=', orderUuid)
    .executeTakeFirstOrThrow();
}

export async function setOrderStatus(
  tx: Tx,
  orderUuid: string,
  status: 'open' | 'completed' | 'cancelled',
  now: Date,
): Promise<void> {
  await tx.updateTable('orders').set({ status, updatedAt: now }).where('id', '=', orderUuid).execute();
}

export function storeEmail(tx: Tx, storeId: string) {
  return tx.selectFrom('stores').select(['email']).where('storeId', '=', storeId).executeTakeFirst();
}

export function lineNumbersOf(tx: Tx, fulfillmentUuids: readonly string[]) {
  if (fulfillmentUuids.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('orderLines')
    .select(['fulfillmentUuid', 'lineNumber'])
    .where('fulfillmentUuid', 'in', fulfillmentUuids)
    .orderBy('lineNumber')
    .execute();
}
