import { z } from 'zod';
import { callSpi } from '../../integrations/spi/call-spi.ts';
import type { OutsideCtx } from '../../platform/context.ts';
import { inTenantTransaction } from '../../platform/db/tenant-transaction.ts';
import { Problem } from '../../platform/http/problems.ts';
import { getCart } from '../carts/service.ts';
import { getCheckout } from './checkout.ts';

const validationAnswer = z.object({ valid: z.boolean().optional() });

const taxAnswer = z.object({
  lines: z.array(z.object({ lineId: z.string(), taxAmount: z.number().int().min(0) })).max(1000),
});

/** Per product: the line amount the merchant's tax engine was asked about and the tax it answered. */
export type ExternalTaxes = Map<string, { amount: number; taxAmount: number }>;

/** What the checkout's `prepare` learnt from the merchant's systems. */
export interface CheckoutPrepared {
  taxes?: ExternalTaxes;
}

/** Reads a cart in a short transaction of its own, for a call made outside the checkout's. */
function readCart(ctx: OutsideCtx, cartId: string) {
  return inTenantTransaction(ctx.platform.db, ctx.tenantId, (tx) => getCart({ ...ctx, tx }, cartId));
}

/**
 * TAX_SERVICE: `POST <base>/taxEngine/calculateTax` with the cart's line amounts and the address shipped to.
 * Undefined — the store's built-in rates then apply — without a postal code, a connector or an answer for
 * every line.
 */
async function askTaxEngine(
  ctx: OutsideCtx,
  cart: Awaited<ReturnType<typeof readCart>>,
  shippingAddress: Record<string, unknown> | undefined,
): Promise<ExternalTaxes | undefined> {
  const postalCode = shippingAddress?.postalCode;
  if (typeof postalCode !== 'string') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const result = await callSpi(ctx, 'TAX_SERVICE', {
    path: '/taxEngine/calculateTax',
    body: {
      currency: cart.currency,
      shipTo: {
        postalCode,
        region: text(shippingAddress?.region),
        country: text(shippingAddress?.country),
      },
      lines: cart.lines.map((line) => ({ lineId: line.productId, amount: line.amount })),
    },
    response: taxAnswer,
  });
  if (!result.answered) return undefined;
  const answered = new Map(result.value.lines.map((line) => [line.lineId, line.taxAmount]));
  const taxes: ExternalTaxes = new Map();
  for (const line of cart.lines) {
    const taxAmount = answered.get(line.productId);
    if (taxAmount === undefined) return undefined;
    taxes.set(line.productId, { amount: line.amount, taxAmount });
  }
  return taxes;
}

/** The checkout's calls to the merchant's systems, before its transaction opens. */
export async function prepareCheckout(
  ctx: OutsideCtx,
  cartId: string,
  shippingAddress: Record<string, unknown> | undefined,
): Promise<CheckoutPrepared> {
  const cart = await readCart(ctx, cartId);
  await validateCartWithMerchant(ctx, cart);
  const taxes = await askTaxEngine(ctx, cart, shippingAddress);
  return taxes ? { taxes } : {};
}

/**
 * CART_VALIDATION: `POST <base>/sa/cartValidation` with the cart's lines, before the checkout's transaction.
 * The merchant's system refusing the cart (an errorCode, or `valid: false`) is a 422 `cart_invalid` with its
 * message; no connector, or a failed call, lets the checkout go on as if the cart were valid.
 */
async function validateCartWithMerchant(
  ctx: OutsideCtx,
  cart: Awaited<ReturnType<typeof readCart>>,
): Promise<void> {
  const cartId = cart.cartId;
  const result = await callSpi(ctx, 'CART_VALIDATION', {
    path: '/sa/cartValidation',
    body: {
      cartId: cart.cartId,
      storeId: cart.storeId,
      items: cart.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    },
    response: validationAnswer,
  });
  if (result.answered) {
    if (result.value.valid === false)
      throw new Problem('cart_invalid', `The merchant refused cart ${cartId}.`);
    return;
  }
  if (result.failure === 'error_body' && result.reported?.errorCode) {
    const { errorCode, errorMessage } = result.reported;
    throw new Problem('cart_invalid', errorMessage ?? `The merchant refused cart ${cartId} (${errorCode}).`);
  }
}

/**
 * INVENTORY_SERVICE: `POST <base>/sa/inventoryService/revert` with the checkout's cart and lines, when its
 * payment fails or its hold runs out, so that stock the merchant's system reserved for the cart (through
 * CART_VALIDATION, say) goes back too. Only for a checkout still waiting for payment (or just expired): a
 * repeated failure is not reverted twice. A failed call is recorded and monitored like any SPI call; Backroom
 * releases its own hold either way.
 */
export async function revertMerchantInventory(
  ctx: OutsideCtx,
  orderId: string,
  expired: boolean,
): Promise<void> {
  const checkout = await inTenantTransaction(ctx.platform.db, ctx.tenantId, (tx) =>
    getCheckout({ ...ctx, tx }, orderId).catch(() => undefined),
  );
  if (!checkout || (checkout.status !== 'pending_payment' && !expired)) return;
  await callSpi(ctx, 'INVENTORY_SERVICE', {
    path: '/sa/inventoryService/revert',
    body: {
      cartId: checkout.cartId,
      orderId,
      reason: expired ? 'expired' : 'payment_failed',
      items: checkout.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    },
    response: z.object({}).loose(),
  });
}
