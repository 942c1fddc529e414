import type { FulfillmentStatus, StoreFulfillmentType } from './tables.ts';

const PICKUP_TYPES: readonly StoreFulfillmentType[] = ['bopis', 'ropis'];

export const isPickup = (type: StoreFulfillmentType) => PICKUP_TYPES.includes(type);

export const isFinal = (status: FulfillmentStatus) => status === 'completed' || status === 'cancelled';

/** The statuses a fulfillment of this type may move to from `from`. */
export function legalMoves(type: StoreFulfillmentType, from: FulfillmentStatus): FulfillmentStatus[] {
  switch (from) {
    case 'placed':
      return ['picking', 'cancelled'];
    case 'picking':
      return [isPickup(type) ? 'ready_for_pickup' : 'shipped', 'cancelled'];
    case 'ready_for_pickup':
      return ['completed', 'cancelled'];
    case 'shipped':
      return ['completed'];
    case 'backordered':
      return ['cancelled'];
    default:
      return [];
  }
}

/** Whether moving to `to` hands the held units over: shipped for shipping types, completed for pick-ups. */
export function commitsStock(type: StoreFulfillmentType, to: FulfillmentStatus): boolean {
  return isPickup(type) ? to === 'completed' : to === 'shipped';
}

/** The order's status once its fulfillments stand as given. */
export function orderStatusOf(statuses: readonly FulfillmentStatus[]): 'open' | 'completed' | 'cancelled' {
  if (statuses.some((status) => !isFinal(status))) return 'open';
  return statuses.every((status) => status === 'cancelled') ? 'cancelled' : 'completed';
}
