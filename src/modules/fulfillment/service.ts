import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import {
  extendReservation,
  getReservation,
  inboundStock,
  reserveStock,
  stockLevels,
} from '../inventory/service.ts';
import { notifyByEmail } from '../notifications/service.ts';
import { getOrder } from '../orders/service.ts';
import * as repo from './repo.ts';
import type { Fulfillment } from './schemas.ts';
import type { FulfillmentStatus, StoreFulfillmentType } from './tables.ts';

/**
 * Units stay held for a store-fulfilled order until it is picked up, shipped or cancelled: the hold's expiry is
 * ten years away, so the reservation sweeper never frees units a store still owes a customer.
 */
export const HOLD_SECONDS = 10 * 365 * 24 * 3600;

/** The part of a just-placed order that stores fulfil. */
export interface OrderForFulfillment {
  orderUuid: string;
  orderId: string;
  storeId: string;
  customerEmail?: string | undefined;
  lines: {
    lineNumber: number;
    productId: string;
    quantity: number;
    type: StoreFulfillmentType;
    storeId: string;
    allowBackorder: boolean;
  }[];
}

export interface FulfillmentSummary {
  fulfillmentId: string;
  type: StoreFulfillmentType;
  storeId: string;
  status: string;
  expectedAt?: number;
  lineNumbers: number[];
}

type Line = OrderForFulfillment['lines'][number];

const EXPORT_EVENT: Record<StoreFulfillmentType, string> = {
  bopis: 'BOPIS_EXPORT',
  ropis: 'ROPIS_EXPORT',
  bofis: 'BOFIS_EXPORT',
  ship_from_store: 'BOFIS_EXPORT',
};

function unitsByProduct(lines: readonly { productId: string; quantity: number }[]) {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
  return [...units].map(([productId, quantity]) => ({ productId, quantity }));
}

/** The products of these lines the store cannot cover now; its levels stay locked until commit. */
export async function shortProducts(ctx: Ctx, storeId: string, lines: readonly Line[]): Promise<string[]> {
  const wanted = unitsByProduct(lines);
  const levels = await stockLevels(
    ctx,
    wanted.map((line) => ({ storeId, productId: line.productId })),
    { lock: true },
  );
  return wanted
    .filter((line) => (levels.get(`${storeId}/${line.productId}`)?.available ?? 0) < line.quantity)
    .map((line) => line.productId);
}

/** The earliest date inbound stock of these products is expected at the store, if any is. */
export async function earliestInbound(ctx: Ctx, storeId: string, productIds: readonly string[]) {
  const rows = await inboundStock(
    ctx,
    productIds.map((productId) => ({ storeId, productId })),
  );
  const dates = rows.flatMap((row) => (row.expectedAt ? [new Date(row.expectedAt).getTime()] : []));
  return dates.length > 0 ? new Date(Math.min(...dates)) : null;
}

export function reserveFor(ctx: Ctx, orderId: string, storeId: string, lines: readonly Line[]) {
  return reserveStock(ctx, {
    storeId,
    reference: { type: 'order', id: orderId },
    lines: unitsByProduct(lines),
    expiresInSeconds: HOLD_SECONDS,
  });
}

function groupsOf(lines: readonly Line[]): Line[][] {
  const groups = new Map<string, Line[]>();
  for (const line of lines) {
    const key = `${line.storeId}\u0000${line.type}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.values()];
}

/**
 * Opens a fulfillment per (store, type) of the order's store-fulfilled lines, holding their units at that
 * store. A group short of stock waits back-ordered when every short line allows it; otherwise the
 * reservation's 409 rolls the whole order back. A checkout's reservation is adopted by the group at its store.
 */
export async function openFulfillments(
  ctx: Ctx,
  order: OrderForFulfillment,
  options: { reservationId?: string } = {},
): Promise<void> {
  if (order.lines.length === 0) return;
  const now = ctx.now();
  let adoptable = options.reservationId ? await getReservation(ctx, options.reservationId) : undefined;
  let count = Number((await repo.countOfOrder(ctx.tx, order.orderUuid)).count);
  const opened: repo.FulfillmentRow[] = [];
  for (const lines of groupsOf(order.lines)) {
    const [{ storeId, type }] = lines as [Line];
    count += 1;
    const fulfillmentId = `F-${order.orderId}-${count}`;
    let reservationId: string | null = null;
    let status: FulfillmentStatus = 'placed';
    let expectedAt: Date | null = null;
    if (adoptable && adoptable.storeId === storeId) {
      reservationId = (await extendReservation(ctx, adoptable.reservationId, HOLD_SECONDS)).reservationId;
      adoptable = undefined;
    } else {
      const short = await shortProducts(ctx, storeId, lines);
      const backorder =
        short.length > 0 && lines.every((line) => !short.includes(line.productId) || line.allowBackorder);
      if (backorder) {
        status = 'backordered';
        expectedAt = await earliestInbound(ctx, storeId, short);
      } else {
        reservationId = (await reserveFor(ctx, order.orderId, storeId, lines)).reservationId;
      }
    }
    const values = {
      fulfillmentId,
      orderUuid: order.orderUuid,
      storeId,
      type,
      status,
      reservationId,
      expectedAt,
      tracking: null,
      history: JSON.stringify([{ status, at: now.getTime() }]),
      createdAt: now,
      updatedAt: now,
    };
    const id = await repo.insertFulfillment(ctx.tx, ctx.tenantId, values);
    await repo.assignLines(
      ctx.tx,
      order.orderUuid,
      lines.map((line) => line.lineNumber),
      id,
    );
    opened.push({ ...values, id, tenantId: ctx.tenantId, tracking: null, history: [] });
  }
  await repo.setOrderStatus(ctx.tx, order.orderUuid, 'open', now);
  const document = await getOrder(ctx, order.orderId);
  for (const row of opened) {
    const fulfillment = await fulfillmentView(ctx, row.fulfillmentId);
    if (row.status === 'placed') await sendPickList(ctx, fulfillment);
    await emit(ctx, {
      type: EXPORT_EVENT[row.type],
      subject: order.orderId,
      data: { ...document, fulfillment },
    });
  }
}

/** E-mails the store what to pick, when the store has an address. */
export async function sendPickList(ctx: Ctx, fulfillment: Fulfillment): Promise<void> {
  const store = await repo.storeEmail(ctx.tx, fulfillment.storeId);
  if (!store?.email) return;
  const list = fulfillment.lines.map(
    (line) => `${line.quantity} × ${line.name ?? line.productId} (${line.productId})`,
  );
  await notifyByEmail(ctx, {
    type: 'STORE_PICK_LIST',
    title: `Pick list ${fulfillment.fulfillmentId} (order ${fulfillment.orderId})`,
    message: [`Please pick for ${fulfillment.type}:`, ...list].join('\n'),
    data: {
      fulfillmentId: fulfillment.fulfillmentId,
      orderId: fulfillment.orderId,
      storeId: fulfillment.storeId,
      lines: fulfillment.lines.map((line) => ({
        productId: line.productId,
        name: line.name ?? line.productId,
        quantity: line.quantity,
      })),
    },
    emails: [store.email],
  });
}

export async function fulfillmentsOfOrders(
  ctx: Ctx,
  orderUuids: readonly string[],
): Promise<Map<string, FulfillmentSummary[]>> {
  const rows = await repo.fulfillmentsOf(ctx.tx, orderUuids);
  const lines = await repo.lineNumbersOf(
    ctx.tx,
    rows.map((row) => row.id),
  );
  const summaries = new Map<string, FulfillmentSummary[]>();
  for (const row of rows) {
    const summary: FulfillmentSummary = {
      fulfillmentId: row.fulfillmentId,
      type: row.type,
      storeId: row.storeId,
      status: row.status,
      ...(row.expectedAt ? { expectedAt: row.expectedAt.getTime() } : {}),
      lineNumbers: lines.filter((line) => line.fulfillmentUuid === row.id).map((line) => line.lineNumber),
    };
    summaries.set(row.orderUuid, [...(summaries.get(row.orderUuid) ?? []), summary]);
  }
  return summaries;
}

export function toFulfillment(
  row: repo.FulfillmentRow,
  orderId: string,
  lines: Awaited<ReturnType<typeof repo.linesOfFulfillment>>,
): Fulfillment {
  return {
    fulfillmentId: row.fulfillmentId,
    orderId,
    type: row.type,
    storeId: row.storeId,
    status: row.status,
    ...(row.expectedAt ? { expectedAt: row.expectedAt.getTime() } : {}),
    ...(row.tracking ? { tracking: row.tracking as Fulfillment['tracking'] } : {}),
    lines: lines.map((line) => ({
      lineNumber: line.lineNumber,
      productId: line.productId,
      ...(line.name ? { name: line.name } : {}),
      quantity: line.quantity,
    })),
    history: row.history as Fulfillment['history'],
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export async function fulfillmentView(ctx: Ctx, fulfillmentId: string): Promise<Fulfillment> {
  const row = await repo.findFulfillment(ctx.tx, fulfillmentId);
  if (!row) throw new Problem('not_found', `No fulfillment has the id ${fulfillmentId}.`);
  const order = await repo.orderOf(ctx.tx, row.orderUuid);
  return toFulfillment(row, order.orderId, await repo.linesOfFulfillment(ctx.tx, row.id));
}

/** A store's open fulfillments (or those in one status), oldest first. */
export async function storeQueue(
  ctx: Ctx,
  storeId: string,
  status?: FulfillmentStatus,
): Promise<{ items: Fulfillment[] }> {
  const rows = await repo.storeQueue(ctx.tx, storeId, status);
  const items: Fulfillment[] = [];
  for (const row of rows) items.push(await fulfillmentView(ctx, row.fulfillmentId));
  return { items };
}

export { runBackorders } from './backorders.ts';
export { transitionFulfillment } from './moves.ts';
