import type { Ctx } from '../../platform/context.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { type MovementInput, postMovements, stockKey, stockLevels } from '../inventory/service.ts';
import type { NewOrder, Order } from './schemas.ts';

type Reference = { type: string; id: string };

const fulfilmentStore = (input: NewOrder, line: NewOrder['lines'][number]) =>
  line.fulfillment?.storeId ?? input.storeId;

const STORE_FULFILLED = new Set(['ship_from_store', 'bopis', 'bofis', 'ropis']);

/** Whether a store fulfils the line later (the fulfillment module holds its stock) rather than now. */
export const isStoreFulfilled = (type: string | undefined) => STORE_FULFILLED.has(type ?? 'cash_and_carry');

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
  } else await refuseReservedUnits(ctx, wanted);
  const movements: MovementInput[] = [];
  const indexes: number[] = [];
  wanted.forEach(({ storeId, line }, index) => {
    const quantity = taken[index] ?? 0;
    if (quantity === 0 || isStoreFulfilled(line.fulfillment?.type)) return;
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
  return wanted.map(({ line }, index) =>
    isStoreFulfilled(line.fulfillment?.type) ? 0 : line.quantity - (taken[index] ?? 0),
  );
}

/**
 * A `ship` line sells from the shelf of a store that also holds units for carts and store pick-ups, so it may
 * take only what is available (on hand less reserved); the ledger alone would let it take reserved units. A
 * cash-and-carry line is already in the customer's hands, so on hand is all it needs.
 */
async function refuseReservedUnits(
  ctx: Ctx,
  wanted: readonly { storeId: string; line: NewOrder['lines'][number] }[],
): Promise<void> {
  const shipped = wanted
    .map((item, index) => ({ ...item, index }))
    .filter(({ line }) => line.fulfillment?.type === 'ship');
  if (shipped.length === 0) return;
  const levels = await stockLevels(
    ctx,
    shipped.map(({ storeId, line }) => ({ storeId, productId: line.productId })),
    { lock: true },
  );
  const left = new Map([...levels].map(([key, level]) => [key, level.available]));
  const errors: FieldError[] = [];
  for (const { storeId, line, index } of shipped) {
    const key = stockKey({ storeId, productId: line.productId });
    const available = left.get(key) ?? 0;
    if (available < line.quantity) {
      errors.push({
        field: `body.lines.${index}.quantity`,
        message: `${Math.max(available, 0)} of ${line.productId} available at ${storeId}; ${line.quantity} asked`,
      });
    }
    left.set(key, available - line.quantity);
  }
  if (errors.length > 0) {
    throw new Problem('insufficient_stock', 'Not enough stock is available; nothing was posted.', { errors });
  }
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
    if (isStoreFulfilled(line.fulfillment.type)) return [];
    const quantity = line.quantity - (shortfalls[index] ?? 0);
    if (quantity <= 0) return [];
    return [
      { lineNumber: line.lineNumber, productId: line.productId, storeId: line.fulfillment.storeId, quantity },
    ];
  });
}
