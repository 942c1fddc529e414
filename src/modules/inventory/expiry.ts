import type { Ctx, Platform } from '../../platform/context.ts';
import { asSystem } from '../../platform/system-context.ts';
import { postMovements, sortedKeys } from './ledger.ts';
import { findLevels, type StockKey } from './repo.ts';
import {
  lockDueReservations,
  type ReservationRow,
  tenantsWithDueReservations,
  updateReservation,
} from './reservations-repo.ts';

export const EXPIRE_TASK = 'inventory.expire-reservations';
const BATCH = 200;

/** Gives the stock of these reservations back to `available`, ending them with `status`. */
export async function endReservations(
  ctx: Ctx,
  reservations: readonly ReservationRow[],
  status: 'released' | 'expired' | 'committed',
): Promise<void> {
  const reason = { released: 'reservation_release', expired: 'reservation_expiry', committed: 'sale' }[
    status
  ];
  const lineOf: number[] = [];
  const movements = reservations.flatMap((reservation) =>
    reservation.lines.flatMap((line, index) => {
      const common = {
        storeId: reservation.storeId,
        productId: line.productId,
        reason,
        reference: { type: 'reservation', id: reservation.reservationId },
      };
      const release = { ...common, bucket: 'reserved', quantity: -line.quantity };
      const taken =
        status === 'committed'
          ? [release, { ...common, bucket: 'on_hand', quantity: -line.quantity }]
          : [release];
      lineOf.push(...taken.map(() => index));
      return taken;
    }),
  );
  // A commit can find less on hand than it holds (a recount found units missing): the line is named.
  await postMovements(ctx, movements, { trusted: true, field: (index) => `lines.${lineOf[index]}` });
  await updateReservation(
    ctx.tx,
    reservations.map((reservation) => reservation.reservationId),
    { status },
    ctx.now(),
  );
}

/**
 * Expires the overdue reservations holding stock of these products at these locations (expiry on read), all
 * in one posting. Their lines may name other products too, so the levels of those lines and of `thenLock`
 * (the pairs the caller changes next) are locked together first, in key order.
 */
export async function expireReservationsAt(
  ctx: Ctx,
  storeIds: readonly string[],
  productIds: readonly string[],
  thenLock: readonly StockKey[] = [],
): Promise<void> {
  if (storeIds.length === 0 || productIds.length === 0) return;
  const due = await lockDueReservations(ctx.tx, ctx.now(), null, { storeIds, productIds });
  if (due.length === 0) return;
  const held = due.flatMap((reservation) =>
    reservation.lines.map((line) => ({ storeId: reservation.storeId, productId: line.productId })),
  );
  await findLevels(ctx.tx, sortedKeys([...held, ...thenLock]), { lock: true });
  await endReservations(ctx, due, 'expired');
}

/**
 * The scheduled sweep: finds the tenants with overdue reservations (a platform statement: it must see every
 * tenant) and expires them tenant by tenant, a batch per transaction.
 */
export async function expireDueReservations(platform: Platform): Promise<number> {
  let expired = 0;
  for (const tenantId of await tenantsWithDueReservations(platform.db, platform.now())) {
    for (;;) {
      const count = await asSystem(platform, tenantId, EXPIRE_TASK, async (ctx) => {
        const due = await lockDueReservations(ctx.tx, ctx.now(), BATCH);
        if (due.length > 0) await endReservations(ctx, due, 'expired');
        return due.length;
      });
      expired += count;
      if (count < BATCH) break;
    }
  }
  return expired;
}
