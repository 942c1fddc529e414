import type { Selectable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { CheckoutStatus, CheckoutsTable } from './tables.ts';

export type CheckoutRow = Selectable<CheckoutsTable>;

export interface NewCheckoutRow {
  orderId: string;
  cartUuid: string;
  requestHash: string;
  orderDraft: Record<string, unknown>;
  reservationId: string;
  expiresAt: Date;
}

/** The checkout with the id of its cart. */
export function findCheckout(tx: Tx, orderId: string, options: { lock?: boolean } = {}) {
  const query = tx
    .selectFrom('checkouts')
    .innerJoin('carts', (join) =>
      join.onRef('carts.tenantId', '=', 'checkouts.tenantId').onRef('carts.id', '=', 'checkouts.cartUuid'),
    )
    .selectAll('checkouts')
    .select('carts.cartId')
    .where('checkouts.orderId', '=', orderId);
  return (options.lock ? query.forUpdate('checkouts') : query).executeTakeFirst();
}

/** The checkout of the cart still waiting for its payment, if any. */
export function pendingCheckoutOfCart(tx: Tx, cartUuid: string) {
  return tx
    .selectFrom('checkouts')
    .selectAll()
    .where('cartUuid', '=', cartUuid)
    .where('status', '=', 'pending_payment')
    .executeTakeFirst();
}

/** Inserts the checkout; undefined when one with this orderId exists already. */
export async function insertCheckout(tx: Tx, tenantId: string, row: NewCheckoutRow, now: Date) {
  const inserted = await tx
    .insertInto('checkouts')
    .values({
      tenantId,
      orderId: row.orderId,
      cartUuid: row.cartUuid,
      status: 'pending_payment',
      requestHash: row.requestHash,
      orderDraft: JSON.stringify(row.orderDraft),
      reservationId: row.reservationId,
      expiresAt: row.expiresAt,
      createdAt: now,
      updatedAt: now,
    })
    .onConflict((conflict) => conflict.columns(['tenantId', 'orderId']).doNothing())
    .returning('orderId')
    .executeTakeFirst();
  return inserted?.orderId;
}

export function setCheckoutStatus(
  tx: Tx,
  orderId: string,
  status: CheckoutStatus,
  now: Date,
  failureReason?: string,
) {
  return tx
    .updateTable('checkouts')
    .set({ status, updatedAt: now, ...(failureReason === undefined ? {} : { failureReason }) })
    .where('orderId', '=', orderId)
    .execute();
}
