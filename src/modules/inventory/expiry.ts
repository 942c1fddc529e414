import { sql } from 'kysely';
import type { Ctx, Platform } from '../../platform/context.ts';
import { asSystem } from '../../platform/system-context.ts';
import { postMovements } from './ledger.ts';
import { lockDueReservations, type ReservationRow, updateReservation } from './reservations-repo.ts';

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
  await postMovements(
    ctx,
    reservations.flatMap((reservation) =>
      reservation.lines.flatMap((line) => {
        const common = {
          storeId: reservation.storeId,
          productId: line.productId,
          reason,
          reference: { type: 'reservation', id: reservation.reservationId },
        };
        const release = { ...common, bucket: 'reserved', quantity: -line.quantity };
        return status === 'committed'
          ? [release, { ...common, bucket: 'on_hand', quantity: -line.quantity }]
          : [release];
      }),
    ),
    { trusted: true },
  );
  await updateReservation(
    ctx.tx,
    reservations.map((reservation) => reservation.reservationId),
    { status },
    ctx.now(),
  );
}

/** Expires the overdue reservations holding stock of these products at these locations (expiry on read). */
export async function expireReservationsAt(
  ctx: Ctx,
  storeIds: readonly string[],
  productIds: readonly string[],
): Promise<void> {
  if (storeIds.length === 0 || productIds.length === 0) return;
  for (;;) {
    const due = await lockDueReservations(ctx.tx, ctx.now(), BATCH, { storeIds, productIds });
    if (due.length > 0) await endReservations(ctx, due, 'expired');
    if (due.length < BATCH) return;
  }
}

/**
 * The scheduled sweep: finds the tenants with overdue reservations (a platform statement: it must see every
 * tenant) and expires them tenant by tenant, a batch per transaction.
 */
export async function expireDueReservations(platform: Platform): Promise<number> {
  const { rows } = await sql<{ tenantId: string }>`
    select distinct tenant_id as "tenantId" from stock_reservations
    where status = 'active' and expires_at <= ${platform.now()}`.execute(platform.db);
  let expired = 0;
  for (const { tenantId } of rows) {
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
