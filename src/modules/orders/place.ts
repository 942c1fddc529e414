import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { requireCustomer } from '../customers/lookup.ts';
import { openFulfillments } from '../fulfillment/service.ts';
import { commitReservation } from '../inventory/service.ts';
import { findStores } from '../stores/service.ts';
import { type ResolvedReturnLine, referenceErrors, resolveReturns, shapeErrors } from './checks.ts';
import { toOrders } from './document.ts';
import * as repo from './repo.ts';
import type { NewOrder, Order } from './schemas.ts';
import { isStoreFulfilled, movedSaleLines, postSaleStock, restockReturns } from './stock.ts';
import { lineAmount, returnTotalOf, totalsErrors } from './totals.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

export const contentHashOf = (input: NewOrder) =>
  createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');

async function replayOf(ctx: Ctx, orderId: string, contentHash: string): Promise<Order | undefined> {
  const existing = await repo.findOrder(ctx.tx, orderId);
  if (!existing) return undefined;
  if (existing.contentHash !== contentHash) {
    throw new Problem(
      'already_exists',
      `Order ${orderId} was already posted with different content; the first posting stands.`,
      { errors: [{ field: 'body.orderId', message: 'already posted with different content' }] },
    );
  }
  const [order] = await toOrders(ctx, [existing]);
  if (!order) throw new Error('stored order vanished');
  return order;
}

/**
 * Posts an order: checks it whole, writes it, moves stock and emits its events, or writes nothing. The same
 * orderId with the same content answers the stored order (`replayed`); with other content, a 409.
 */
export async function placeOrder(
  ctx: Ctx,
  input: NewOrder,
  options: { reservationId?: string } = {},
): Promise<{ order: Order; replayed: boolean }> {
  const contentHash = contentHashOf(input);
  const stored = await replayOf(ctx, input.orderId, contentHash);
  if (stored) return { order: stored, replayed: true };
  throwIfFieldErrors('rule_violated', shapeErrors(input));
  throwIfFieldErrors('unknown_reference', await referenceErrors(ctx, input));
  const store = (await findStores(ctx, [input.storeId])).get(input.storeId);
  const customer = input.customerId ? await requireCustomer(ctx, input.customerId) : undefined;
  const { original, returnLines } = await resolveReturns(ctx, input);
  throwIfFieldErrors('totals_mismatch', totalsErrors(input, returnLines));

  const now = ctx.now();
  const orderUuid = await repo.insertOrder(ctx.tx, ctx.tenantId, {
    orderId: input.orderId,
    type: input.type,
    status: 'completed',
    channel: input.channel,
    storeId: input.storeId,
    registerId: input.registerId ?? null,
    associateId: input.associateId ?? null,
    customerUuid: customer?.id ?? null,
    originalOrderUuid: original?.id ?? null,
    currency: store?.currency ?? input.currency ?? '',
    subtotal: input.totals.subtotal,
    discountTotal: input.totals.discountTotal,
    taxTotal: input.totals.taxTotal,
    shippingTotal: input.totals.shippingTotal,
    total: input.totals.total,
    returnTotal: returnTotalOf(returnLines),
    discounts: JSON.stringify(input.discounts),
    shipping: input.shipping ? JSON.stringify(input.shipping) : null,
    occurredAt: input.occurredAt === undefined ? now : new Date(input.occurredAt),
    postedAt: now,
    offline: input.offline ?? false,
    contentHash,
    note: input.note ?? null,
    updatedAt: now,
  });
  if (!orderUuid) {
    // Another posting of this orderId committed while this one was checking it.
    const order = await replayOf(ctx, input.orderId, contentHash);
    if (!order) throw new Error('order conflict without an order');
    return { order, replayed: true };
  }

  const reference = { type: 'order', id: input.orderId };
  const storeFulfilled = input.lines.some((line) => isStoreFulfilled(line.fulfillment?.type));
  // With store-fulfilled lines the checkout's reservation goes on holding their units (openFulfillments).
  if (options.reservationId && !storeFulfilled) await commitReservation(ctx, options.reservationId);
  const shortfalls = options.reservationId
    ? input.lines.map(() => 0)
    : await postSaleStock(ctx, input, reference);
  await repo.insertLines(ctx.tx, ctx.tenantId, [
    ...input.lines.map((line, index) => ({
      orderUuid,
      lineNumber: index + 1,
      kind: 'sale' as const,
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discountAmount: line.discountAmount ?? 0,
      taxAmount: line.taxAmount,
      taxes: JSON.stringify(line.taxes ?? []),
      amount: lineAmount(line),
      fulfillmentType: line.fulfillment?.type ?? 'cash_and_carry',
      fulfillmentStoreId: line.fulfillment?.storeId ?? input.storeId,
      stockShortfall: shortfalls[index] ?? 0,
    })),
    ...returnLines.map((line, index) => ({
      orderUuid,
      lineNumber: input.lines.length + index + 1,
      kind: 'return' as const,
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discountAmount: line.discountAmount,
      taxAmount: line.taxAmount,
      taxes: '[]',
      amount: lineAmount(line),
      originalOrderUuid: original?.id ?? null,
      originalLineNumber: line.originalLineNumber,
      restock: line.restock,
      returnReason: line.reason ?? null,
    })),
  ]);
  if (storeFulfilled) await openStoreFulfillments(ctx, orderUuid, input, options);
  await restockReturns(ctx, input.storeId, returnLines, reference);
  if (original) {
    for (const line of returnLines) {
      await repo.addReturnedQuantity(ctx.tx, original.id, line.originalLineNumber, line.quantity);
    }
    await repo.touchOrder(ctx.tx, original.id, now);
  }
  await repo.insertTenders(
    ctx.tx,
    ctx.tenantId,
    input.tenders.map((tender, index) => ({
      orderUuid,
      tenderNumber: index + 1,
      type: tender.type,
      direction: tender.direction ?? 'charge',
      amount: tender.amount,
      cardBrand: tender.cardBrand ?? null,
      cardLast4: tender.cardLast4 ?? null,
      reference: tender.reference ?? null,
    })),
  );

  const row = await repo.findOrder(ctx.tx, input.orderId);
  const [order] = row ? await toOrders(ctx, [row]) : [];
  if (!order) throw new Error('posted order vanished');
  await announce(ctx, order, input, returnLines, shortfalls, original);
  return { order, replayed: false };
}

async function openStoreFulfillments(
  ctx: Ctx,
  orderUuid: string,
  input: NewOrder,
  options: { reservationId?: string },
) {
  const lines = input.lines.flatMap((line, index) => {
    const type = line.fulfillment?.type;
    if (!type || !isStoreFulfilled(type) || type === 'cash_and_carry' || type === 'ship') return [];
    return [
      {
        lineNumber: index + 1,
        productId: line.productId,
        quantity: line.quantity,
        type,
        storeId: line.fulfillment?.storeId ?? input.storeId,
        allowBackorder: line.allowBackorder ?? false,
      },
    ];
  });
  await openFulfillments(
    ctx,
    { orderUuid, orderId: input.orderId, storeId: input.storeId, lines },
    options.reservationId ? { reservationId: options.reservationId } : {},
  );
}

async function announce(
  ctx: Ctx,
  order: Order,
  input: NewOrder,
  returnLines: readonly ResolvedReturnLine[],
  shortfalls: readonly number[],
  original: repo.OrderRow | undefined,
) {
  const subject = order.orderId;
  if (order.type !== 'return') await emit(ctx, { type: 'ORDER', subject, data: order });
  if (order.type !== 'sale') await emit(ctx, { type: 'RETURN', subject, data: order });
  const moved = movedSaleLines(order, shortfalls);
  if (moved.length > 0) {
    await emit(ctx, { type: 'SALE_INVENTORY', subject, data: { ...order, inventoryLines: moved } });
  }
  const restocked = order.returnProductList.filter((line) => line.restock);
  if (restocked.length > 0 && returnLines.length > 0) {
    const inventoryLines = restocked.map((line) => ({
      lineNumber: line.lineNumber,
      productId: line.productId,
      storeId: order.storeId,
      quantity: line.quantity,
    }));
    await emit(ctx, { type: 'RETURN_INVENTORY', subject, data: { ...order, inventoryLines } });
  }
  if (original) {
    const [updated] = await toOrders(ctx, [(await repo.findOrder(ctx.tx, original.orderId)) ?? original]);
    if (updated) await emit(ctx, { type: 'ORDER_UPDATE', subject: original.orderId, data: updated });
  }
  if (input.receipt) {
    const email = input.receipt.email;
    await emit(ctx, { type: 'ERECEIPT_CUSTOMER', subject, data: { order, ...(email ? { email } : {}) } });
  }
}
