import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { getStore } from '../stores/service.ts';
import { pricesAt } from './pricing.ts';
import * as repo from './repo.ts';

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

/**
 * Locks the cart and prices its lines at its store now, for a checkout. 404 unknown; 409 invalid_state unless
 * active or checking out; 422 when it has no lines or a line's product has no price at the store.
 */
export async function cartForCheckout(ctx: Ctx, cartId: string): Promise<CheckoutCart> {
  const cart = await repo.findCart(ctx.tx, cartId, { lock: true });
  if (!cart) throw new Problem('not_found', `No cart has the id ${cartId}.`);
  if (cart.status !== 'active' && cart.status !== 'checking_out') {
    throw new Problem(
      'invalid_state',
      `Cart ${cartId} is ${cart.status}; only an active cart can be checked out.`,
    );
  }
  const lines = (await repo.linesOf(ctx.tx, cart.id)).filter((line) => !line.savedForLater);
  if (lines.length === 0) throw new Problem('rule_violated', `Cart ${cartId} has no lines to check out.`);
  const prices = await pricesAt(
    ctx,
    cart.storeId,
    lines.map((line) => line.productId),
  );
  const unpriced = lines.filter((line) => prices.get(line.productId)?.effectivePrice === undefined);
  if (unpriced.length > 0) {
    throw new Problem(
      'rule_violated',
      `No price at store ${cart.storeId} for ${unpriced.map((line) => line.productId).join(', ')}.`,
    );
  }
  const store = await getStore(ctx, cart.storeId);
  const customer = cart.customerUuid ? await repo.customerOfCart(ctx.tx, cart.customerUuid) : undefined;
  return {
    cartUuid: cart.id,
    cartId: cart.cartId,
    storeId: cart.storeId,
    channel: cart.channel,
    currency: store.currency,
    status: cart.status,
    ...(customer
      ? {
          customer: {
            customerUuid: customer.id,
            customerId: customer.customerId,
            ...(customer.email ? { email: customer.email } : {}),
          },
        }
      : {}),
    ...(cart.shippingAddress ? { shippingAddress: cart.shippingAddress } : {}),
    lines: lines.map((line) => {
      const price = prices.get(line.productId);
      return {
        productId: line.productId,
        name: price?.productName ?? line.productId,
        quantity: line.quantity,
        unitPrice: price?.effectivePrice ?? 0,
      };
    }),
  };
}

/** Moves the cart through checkout: checking_out while paid for, back to active, or checked_out with its order. */
export async function setCartCheckoutState(
  ctx: Ctx,
  cartUuid: string,
  state: 'checking_out' | 'active' | 'checked_out',
  orderId?: string,
): Promise<void> {
  const now = ctx.now();
  await repo.updateCart(ctx.tx, cartUuid, {
    status: state,
    ...(orderId ? { orderId } : {}),
    updatedAt: now,
    lastActivityAt: now,
  });
}
