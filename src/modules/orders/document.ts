import type { Ctx } from '../../platform/context.ts';
import { fulfillmentsOfOrders } from '../fulfillment/service.ts';
import * as repo from './repo.ts';
import type { Order } from './schemas.ts';

type OrderLine = Order['orderProductList'][number];
type ReturnedLine = Order['returnProductList'][number];

const present = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

function saleLine(row: repo.OrderLineRow): OrderLine {
  const taxes = row.taxes as OrderLine['taxes'];
  const discountAmount = Number(row.discountAmount);
  return {
    lineNumber: row.lineNumber,
    productId: row.productId,
    quantity: row.quantity,
    unitPrice: Number(row.unitPrice),
    ...(discountAmount > 0 ? { discountAmount } : {}),
    ...(taxes && taxes.length > 0 ? { taxes } : {}),
    taxAmount: Number(row.taxAmount),
    amount: Number(row.amount),
    returnedQuantity: row.returnedQuantity,
    fulfillment: {
      type: row.fulfillmentType ?? 'cash_and_carry',
      ...present('storeId', row.fulfillmentStoreId),
    },
    ...(row.stockShortfall > 0 ? { stockShortfall: row.stockShortfall } : {}),
  };
}

function returnedLine(row: repo.OrderLineRow): ReturnedLine {
  const discountAmount = Number(row.discountAmount);
  return {
    lineNumber: row.lineNumber,
    originalLineNumber: row.originalLineNumber ?? 0,
    productId: row.productId,
    quantity: row.quantity,
    unitPrice: Number(row.unitPrice),
    ...(discountAmount > 0 ? { discountAmount } : {}),
    taxAmount: Number(row.taxAmount),
    amount: Number(row.amount),
    restock: row.restock ?? false,
    ...present('reason', row.returnReason),
  };
}

/** The Order documents of these rows, in the same order. */
export async function toOrders(ctx: Ctx, rows: readonly repo.OrderRow[]): Promise<Order[]> {
  const uuids = rows.map((row) => row.id);
  const [lines, tenders, returns, fulfillments] = await Promise.all([
    repo.linesOf(ctx.tx, uuids),
    repo.tendersOf(ctx.tx, uuids),
    repo.returnsAgainst(ctx.tx, uuids),
    fulfillmentsOfOrders(ctx, uuids),
  ]);
  return rows.map((row) => {
    const own = lines.filter((line) => line.orderUuid === row.id);
    const sold = own.filter((line) => line.kind === 'sale').map(saleLine);
    const returned = own.filter((line) => line.kind === 'return').map(returnedLine);
    const shipping = row.shipping as Order['shipping'] | null;
    return {
      orderId: row.orderId,
      type: row.type,
      status: row.status,
      channel: row.channel,
      storeId: row.storeId,
      currency: row.currency.trim(),
      ...present('registerId', row.registerId),
      ...present('associateId', row.associateId),
      ...present('customerId', row.customerId),
      occurredAt: row.occurredAt.getTime(),
      postedAt: row.postedAt.getTime(),
      ...(row.offline ? { offline: true } : {}),
      ...present('originalOrderId', row.originalOrderId),
      lines: sold,
      returnLines: returned,
      orderProductList: sold,
      productList: sold
        .filter((line) => line.quantity > line.returnedQuantity)
        .map((line) => ({ ...line, quantity: line.quantity - line.returnedQuantity })),
      returnProductList: returned,
      fulfillments: fulfillments.get(row.id) ?? [],
      returns: returns
        .filter((later) => later.originalOrderUuid === row.id)
        .map((later) => ({ orderId: later.orderId, occurredAt: later.occurredAt.getTime() })),
      discounts: row.discounts as Order['discounts'],
      ...(shipping ? { shipping } : {}),
      tenders: tenders
        .filter((tender) => tender.orderUuid === row.id)
        .map((tender) => ({
          type: tender.type,
          direction: tender.direction,
          amount: Number(tender.amount),
          ...present('cardBrand', tender.cardBrand),
          ...present('cardLast4', tender.cardLast4),
          ...present('reference', tender.reference),
        })),
      totals: {
        subtotal: Number(row.subtotal),
        discountTotal: Number(row.discountTotal),
        taxTotal: Number(row.taxTotal),
        shippingTotal: Number(row.shippingTotal),
        total: Number(row.total),
        returnTotal: Number(row.returnTotal),
      },
      ...present('note', row.note),
    };
  });
}
