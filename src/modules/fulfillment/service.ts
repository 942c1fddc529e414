import type { Ctx } from '../../platform/context.ts';
import type { StoreFulfillmentType } from './tables.ts';

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

// Placeholder signatures; the fulfillment module implements them.
export async function openFulfillments(
  _ctx: Ctx,
  _order: OrderForFulfillment,
  _options: { reservationId?: string } = {},
): Promise<void> {
  throw new Error('openFulfillments is not implemented yet');
}

export async function fulfillmentsOfOrders(
  _ctx: Ctx,
  _orderUuids: readonly string[],
): Promise<Map<string, FulfillmentSummary[]>> {
  return new Map();
}
