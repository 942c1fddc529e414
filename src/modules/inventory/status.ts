import type { StockStatus } from './tables.ts';

export interface StatusInputs {
  onHand: number;
  reserved: number;
  safetyStock: number;
  lowStockThreshold: number;
  outOfStockThreshold: number;
  allowBackorders: boolean;
  /** Whether the product has ever been in stock at this location. */
  everReceived: boolean;
  /** Whether more of it is on its way here (an open shipping notice or transfer). */
  inboundExpected: boolean;
}

/** What can be promised: on hand, less what is reserved for orders and the safety stock held back. */
export function availableOf(level: { onHand: number; reserved: number; safetyStock: number }): number {
  return Math.max(0, level.onHand - level.reserved - level.safetyStock);
}

/**
 * The status a web store shows. At or below the out-of-stock threshold a product is out of stock, unless the
 * merchant takes orders for it and more is on its way: then it is back-ordered, or pre-order when it has
 * never been in stock here.
 */
export function stockStatus(inputs: StatusInputs): StockStatus {
  const available = availableOf(inputs);
  if (available > inputs.outOfStockThreshold) {
    return available <= inputs.lowStockThreshold ? 'low_stock' : 'in_stock';
  }
  if (inputs.allowBackorders && inputs.inboundExpected) {
    return inputs.everReceived ? 'back_ordered' : 'pre_order';
  }
  return 'out_of_stock';
}
