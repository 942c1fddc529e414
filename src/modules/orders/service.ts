import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { findCustomer, requireCustomer } from '../customers/lookup.ts';
import { toOrders } from './document.ts';
import * as repo from './repo.ts';
import type { Order, OrderSearch } from './schemas.ts';

export { placeOrder } from './place.ts';
export { type NewOrder, newOrderSchema, type Order, orderSchema } from './schemas.ts';

export async function orderExists(ctx: Ctx, orderId: string): Promise<boolean> {
  return (await repo.findOrder(ctx.tx, orderId)) !== undefined;
}

export async function getOrder(ctx: Ctx, orderId: string): Promise<Order> {
  const row = await repo.findOrder(ctx.tx, orderId);
  if (!row) throw new Problem('not_found', `No order has the id ${orderId}.`);
  const [order] = await toOrders(ctx, [row]);
  if (!order) throw new Error('order vanished');
  return order;
}

function afterCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [time, id] = decodeCursor(cursor);
  if (typeof time !== 'number' || typeof id !== 'string') {
    throw new Problem('invalid_cursor', 'The cursor is not one this API returned; start again without it.');
  }
  return { occurredAt: new Date(time), id };
}

async function pageOfOrders(ctx: Ctx, filters: repo.OrderFilters): Promise<Page<Order>> {
  const rows = await repo.searchOrders(ctx.tx, filters);
  const page = toPage(
    rows,
    filters.limit,
    (row) => [row.occurredAt.getTime(), row.id],
    (row) => row,
  );
  return { data: await toOrders(ctx, page.data), nextCursor: page.nextCursor };
}

/** Orders matching every filter given, newest first. A customer number covers the customers merged into it. */
export async function searchOrders(ctx: Ctx, query: OrderSearch): Promise<Page<Order>> {
  let customerUuids: string[] | undefined;
  if (query.customerId) {
    const customer = await findCustomer(ctx, query.customerId);
    customerUuids = customer ? await repo.customerAndMerged(ctx.tx, customer.id) : [];
    if (customerUuids.length === 0) return { data: [], nextCursor: null };
  }
  return pageOfOrders(ctx, {
    ...(customerUuids ? { customerUuids } : {}),
    storeId: query.storeId,
    channel: query.channel,
    status: query.status,
    type: query.type,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    productId: query.productId,
    cardLast4: query.cardLast4,
    after: afterCursor(query.cursor),
    limit: query.limit,
  });
}

/** A customer's orders across channels, those of customers merged into it included; newest first. */
export async function customerOrders(
  ctx: Ctx,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<Order>> {
  const customer = await requireCustomer(ctx, customerId);
  const customerUuids = await repo.customerAndMerged(ctx.tx, customer.id);
  return pageOfOrders(ctx, { customerUuids, after: afterCursor(query.cursor), limit: query.limit });
}

/** Emits ORDER (RETURN for a return) again for each order found. */
export async function repostOrders(ctx: Ctx, orderIds: readonly string[]) {
  const unique = [...new Set(orderIds)];
  const rows = await repo.findOrders(ctx.tx, unique);
  const orders = await toOrders(ctx, rows);
  for (const order of orders) {
    await emit(ctx, {
      type: order.type === 'return' ? 'RETURN' : 'ORDER',
      subject: order.orderId,
      data: order,
    });
  }
  const found = new Set(orders.map((order) => order.orderId));
  return { reposted: unique.filter((id) => found.has(id)), notFound: unique.filter((id) => !found.has(id)) };
}
