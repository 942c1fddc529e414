import type { Ctx } from '../../platform/context.ts';
import { type MovementInput, postMovements, stockKey, stockLevels } from '../inventory/service.ts';
import type { NewOrder, Order } from './schemas.ts';

type Reference = { type: string; id: string };

const fulfilmentStore = (input: NewOrder, line: NewOrder['lines'][number]) =>
  line.fulfillment?.storeId ?? input.storeId;

/**
 * Takes the sold units off hand at each line's fulfilment store and answers, per line, the units stock did
 * not have. Online a shortfall is a 409 and nothing is written; an offline register already handed the goods
 * over, so what is on hand is taken and the rest recorded.
 */
export async function postSaleStock(ctx: Ctx, input: NewOrder, reference: Reference): Promise<number[]> {
  const wanted = input.lines.map((line) => ({ storeId: fulfilmentStore(input, line), line }));
  let taken = wanted.map(({ line }) => line.quantity);
  if (input.offline) {
    const levels = await stockLevels(
      ctx,
      wanted.map(({ storeId, line }) => ({ storeId, productId: line.productId })),
      { lock: true },
    );
    const left = new Map([...levels].map(([key, level]) => [key, Math.max(level.onHand, 0)]));
    taken = wanted.map(({ storeId, line }) => {
      const key = stockKey({ storeId, productId: line.productId });
      const take = Math.min(line.quantity, left.get(key) ?? 0);
      left.set(key, (left.get(key) ?? 0) - take);
      return take;
    });
  }
  const movements: MovementInput[] = [];
  const indexes: number[] = [];
  wanted.forEach(({ storeId, line }, index) => {
    const quantity = taken[index] ?? 0;
    if (quantity === 0) return;
    indexes.push(index);
    movements.push({
      storeId,
      productId: line.productId,
      bucket: 'on_hand',
      quantity: -quantity,
      reason: 'sale',
      reference,
    });
  });
  await postMovements(ctx, movements, { field: (index) => `body.lines.${indexes[index] ?? index}` });
  return wanted.map(({ line }, index) => line.quantity - (taken[index] ?? 0));
}

export async function restockReturns(
  ctx: Ctx,
  storeId: string,
  returnLines: readonly { productId: string; quantity: number; restock: boolean }[],
  reference: Reference,
): Promise<void> {
  const movements = returnLines
    .filter((line) => line.restock)
    .map((line) => ({
      storeId,
      productId: line.productId,
      bucket: 'on_hand',
      quantity: line.quantity,
      reason: 'return',
      reference,
    }));
  await postMovements(ctx, movements, { trusted: true });
}

/** The sold lines that took units off hand, for SALE_INVENTORY. */
export function movedSaleLines(order: Order, shortfalls: readonly number[]) {
  return order.orderProductList.flatMap((line, index) => {
    const quantity = line.quantity - (shortfalls[index] ?? 0);
    if (quantity <= 0) return [];
    return [
      { lineNumber: line.lineNumber, productId: line.productId, storeId: line.fulfillment.storeId, quantity },
    ];
  });
}
