import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { ShippingMethodsTable } from './tables.ts';

export type ShippingMethodRow = Selectable<ShippingMethodsTable>;

export interface ShippingMethodValues {
  name: string;
  carrier: string | null;
  currency: string;
  price: number;
  freeOver: number | null;
  minDays: number | null;
  maxDays: number | null;
  storeIds: string[] | null;
  active: boolean;
}

export function listShippingMethods(tx: Tx) {
  return tx.selectFrom('shippingMethods').selectAll().orderBy('methodId').execute();
}

/** Active methods in this currency offered to carts of this store. */
export function methodsForStore(tx: Tx, storeId: string, currency: string) {
  return tx
    .selectFrom('shippingMethods')
    .selectAll()
    .where('active', '=', true)
    .where('currency', '=', currency)
    .where(sql<boolean>`(store_ids is null or ${storeId} = any(store_ids))`)
    .execute();
}

/** Creates or replaces a method; `inserted` tells which. */
export function upsertShippingMethod(
  tx: Tx,
  tenantId: string,
  methodId: string,
  values: ShippingMethodValues,
  now: Date,
) {
  return tx
    .insertInto('shippingMethods')
    .values({ ...values, tenantId, methodId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'methodId']).doUpdateSet({ ...values, updatedAt: now }))
    .returningAll()
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
}

export function deleteShippingMethod(tx: Tx, methodId: string) {
  return tx.deleteFrom('shippingMethods').where('methodId', '=', methodId).returningAll().executeTakeFirst();
}
