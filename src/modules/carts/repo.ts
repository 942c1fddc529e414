import type { Insertable, Selectable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { CartLinesTable, CartStatus, CartsTable } from './tables.ts';

export type CartRow = Selectable<CartsTable>;
export type CartLineRow = Selectable<CartLinesTable>;
export type CartValues = Omit<Insertable<CartsTable>, 'tenantId' | 'id' | 'createdAt' | 'updatedAt'>;
export type CartChanges = Omit<Updateable<CartsTable>, 'tenantId' | 'id' | 'cartId' | 'createdAt'>;

export function findCart(tx: Tx, cartId: string, options: { lock?: boolean } = {}) {
  let query = tx.selectFrom('carts').selectAll().where('cartId', '=', cartId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Inserts the cart, or answers undefined when its cartId is taken. */
export function insertCart(tx: Tx, tenantId: string, values: CartValues, now: Date) {
  return tx
    .insertInto('carts')
    .values({ ...values, tenantId, createdAt: now, updatedAt: now, lastActivityAt: now })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateCart(tx: Tx, id: string, changes: CartChanges) {
  return tx.updateTable('carts').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function linesOf(tx: Tx, cartUuid: string) {
  return tx
    .selectFrom('cartLines')
    .selectAll()
    .where('cartUuid', '=', cartUuid)
    .orderBy('addedAt')
    .orderBy('productId')
    .execute();
}

export async function setLineQuantity(
  tx: Tx,
  tenantId: string,
  line: { cartUuid: string; productId: string; savedForLater: boolean; quantity: number },
  now: Date,
) {
  await tx
    .insertInto('cartLines')
    .values({ ...line, tenantId, addedAt: now, updatedAt: now })
    .onConflict((oc) =>
      oc
        .columns(['tenantId', 'cartUuid', 'productId', 'savedForLater'])
        .doUpdateSet({ quantity: line.quantity, updatedAt: now }),
    )
    .execute();
}

export async function deleteLine(tx: Tx, cartUuid: string, productId: string, savedForLater: boolean) {
  const result = await tx
    .deleteFrom('cartLines')
    .where('cartUuid', '=', cartUuid)
    .where('productId', '=', productId)
    .where('savedForLater', '=', savedForLater)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The customer's newest active cart at this store other than `exceptId`, locked. */
export function activeCartOf(tx: Tx, customerUuid: string, storeId: string, exceptId: string) {
  return tx
    .selectFrom('carts')
    .selectAll()
    .where('customerUuid', '=', customerUuid)
    .where('storeId', '=', storeId)
    .where('status', '=', 'active')
    .where('id', '<>', exceptId)
    .orderBy('updatedAt', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export function cartsOfCustomer(tx: Tx, customerUuid: string, status?: CartStatus) {
  let query = tx.selectFrom('carts').selectAll().where('customerUuid', '=', customerUuid);
  if (status) query = query.where('status', '=', status);
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(100).execute();
}

/** The number and e-mail of the customer a cart belongs to (customers are referenced by uuid). */
export function customerOfCart(tx: Tx, customerUuid: string) {
  return tx
    .selectFrom('customers')
    .select(['id', 'customerId', 'email'])
    .where('id', '=', customerUuid)
    .executeTakeFirst();
}

export function findSettings(tx: Tx) {
  return tx.selectFrom('cartSettings').selectAll().executeTakeFirst();
}

export function saveSettings(
  tx: Tx,
  tenantId: string,
  settings: { abandonAfterMinutes: number; notifyOnAbandon: boolean; checkoutHoldSeconds: number },
  now: Date,
) {
  return tx
    .insertInto('cartSettings')
    .values({ tenantId, ...settings, updatedAt: now })
    .onConflict((oc) => oc.column('tenantId').doUpdateSet({ ...settings, updatedAt: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

const idleSince = (now: Date) =>
  sql<boolean>`c.last_activity_at <= ${now}::timestamptz
    - make_interval(mins => coalesce(s.abandon_after_minutes, 1440))`;

/** Tenants with an active cart idle past their abandon time (a platform statement: it sees every tenant). */
export async function tenantsWithIdleCarts(db: Db, now: Date): Promise<string[]> {
  const { rows } = await sql<{ tenantId: string }>`
    select distinct c.tenant_id as "tenantId" from carts c
    left join cart_settings s on s.tenant_id = c.tenant_id
    where c.status = 'active' and ${idleSince(now)}`.execute(db);
  return rows.map((row) => row.tenantId);
}

/** Locks up to `limit` of the tenant's idle active carts, skipping those another writer holds. */
export async function lockIdleCarts(tx: Tx, now: Date, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select c.id from carts c
    left join cart_settings s on s.tenant_id = c.tenant_id
    where c.status = 'active' and ${idleSince(now)}
    order by c.last_activity_at limit ${limit}
    for update of c skip locked`.execute(tx);
  return rows.map((row) => row.id);
}

export function findCartsByIds(tx: Tx, ids: readonly string[]) {
  return tx.selectFrom('carts').selectAll().where('id', 'in', ids).execute();
}

export async function cartIdOf(tx: Tx, id: string): Promise<string | undefined> {
  const row = await tx.selectFrom('carts').select('cartId').where('id', '=', id).executeTakeFirst();
  return row?.cartId;
}
