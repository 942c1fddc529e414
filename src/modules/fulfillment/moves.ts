import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import { commitReservation, releaseReservation } from '../inventory/service.ts';
import { getOrder } from '../orders/service.ts';
import * as repo from './repo.ts';
import type { Fulfillment, Transition } from './schemas.ts';
import { fulfillmentView } from './service.ts';
import type { FulfillmentStatus } from './tables.ts';
import { commitsStock, legalMoves, orderStatusOf } from './transitions.ts';

/** Records a new status: history entry, the order's status, ORDER_UPDATE and `fulfillment.<status>`. */
export async function recordStatus(
  ctx: Ctx,
  row: repo.FulfillmentRow,
  status: FulfillmentStatus,
  values: Partial<repo.NewFulfillmentRow> = {},
  reason?: string,
): Promise<Fulfillment> {
  const now = ctx.now();
  const entry = { status, at: now.getTime(), ...(reason ? { reason } : {}) };
  await repo.updateFulfillment(ctx.tx, row.id, {
    ...values,
    status,
    history: JSON.stringify([...(row.history ?? []), entry]),
    updatedAt: now,
  });
  const all = await repo.fulfillmentsOf(ctx.tx, [row.orderUuid]);
  await repo.setOrderStatus(ctx.tx, row.orderUuid, orderStatusOf(all.map((each) => each.status)), now);
  const order = await repo.orderOf(ctx.tx, row.orderUuid);
  const fulfillment = await fulfillmentView(ctx, row.fulfillmentId);
  const document = await getOrder(ctx, order.orderId);
  await emit(ctx, { type: 'ORDER_UPDATE', subject: order.orderId, data: document });
  await emit(ctx, { type: `fulfillment.${status}`, subject: row.fulfillmentId, data: { fulfillment } });
  return fulfillment;
}

/**
 * Moves a fulfillment along its legal path. The row is locked first, so of two racing moves the second sees
 * the first's status. Handing the goods over commits the held units (SALE_INVENTORY); cancelling releases them.
 */
export async function transitionFulfillment(
  ctx: Ctx,
  fulfillmentId: string,
  move: Transition,
): Promise<Fulfillment> {
  const row = await repo.findFulfillment(ctx.tx, fulfillmentId, { lock: true });
  if (!row) throw new Problem('not_found', `No fulfillment has the id ${fulfillmentId}.`);
  if (!legalMoves(row.type, row.status).includes(move.to)) {
    throw new Problem(
      'invalid_state',
      `Fulfillment ${fulfillmentId} cannot move from ${row.status} to ${move.to}.`,
      { errors: [{ field: 'body.to', message: `not allowed from ${row.status} to ${move.to}` }] },
    );
  }
  const values: Partial<repo.NewFulfillmentRow> = {};
  if (move.tracking) values.tracking = JSON.stringify(move.tracking);
  const commits = commitsStock(row.type, move.to) && row.reservationId !== null;
  if (commits && row.reservationId) await commitReservation(ctx, row.reservationId);
  if (move.to === 'cancelled' && row.reservationId) await releaseReservation(ctx, row.reservationId);
  if (commits || move.to === 'cancelled') values.reservationId = null;
  const fulfillment = await recordStatus(ctx, row, move.to, values, move.reason);
  if (commits) {
    const document = await getOrder(ctx, fulfillment.orderId);
    const inventoryLines = fulfillment.lines.map((line) => ({
      lineNumber: line.lineNumber,
      productId: line.productId,
      storeId: fulfillment.storeId,
      quantity: line.quantity,
    }));
    await emit(ctx, {
      type: 'SALE_INVENTORY',
      subject: fulfillment.orderId,
      data: { ...document, inventoryLines },
    });
  }
  return fulfillment;
}
