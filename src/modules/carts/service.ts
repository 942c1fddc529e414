import type { Ctx } from '../../platform/context.ts';

/** A cart about to be paid for: its lines priced at its store now (saved-for-later lines left out). */
export interface CheckoutCart {
  cartUuid: string;
  cartId: string;
  storeId: string;
  channel: 'web' | 'store' | 'mobile' | 'phone' | 'marketplace' | 'api';
  currency: string;
  status: string;
  customer?: { customerUuid: string; customerId: string; email?: string };
  shippingAddress?: Record<string, unknown>;
  lines: {
    productId: string;
    name: string;
    taxClass?: string;
    quantity: number;
    /** The store's effective price now, minor units. */
    unitPrice: number;
  }[];
}

// Placeholder signatures; the carts module implements them.
export async function cartForCheckout(_ctx: Ctx, _cartId: string): Promise<CheckoutCart> {
  throw new Error('cartForCheckout is not implemented yet');
}

export async function setCartCheckoutState(
  _ctx: Ctx,
  _cartUuid: string,
  _state: 'checking_out' | 'active' | 'checked_out',
  _orderId?: string,
): Promise<void> {
  throw new Error('setCartCheckoutState is not implemented yet');
}
