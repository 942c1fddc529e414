import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { inTenantTransaction } from '../../platform/db/tenant-transaction.ts';
import { Problem } from '../../platform/http/problems.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { expireIfOverdue, getCheckout, recordPayment, startCheckout, wasStarted } from './checkout.ts';
import {
  checkoutCartParams,
  checkoutParams,
  checkoutSchema,
  paymentResultSchema,
  paymentSchema,
  startCheckoutSchema,
} from './checkout-schemas.ts';
import { prepareCheckout, revertMerchantInventory } from './checkout-spi.ts';

const tags = ['Checkout'];

export function checkoutRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/carts/:cartId/checkout',
    scope: 'carts:write',
    tags,
    summary: 'Check out a cart: price, tax and hold its stock until the payment',
    description:
      'Answers 201 with the checkout, or 200 when the same `orderId` asks for the same again. Short stock: 409 ' +
      '`insufficient_stock` naming the lines, nothing held. The same `orderId` with other content, or a cart ' +
      'already checking out under another `orderId`: 409. Unknown or inactive shipping method: 422. ' +
      'A CART_VALIDATION SPI refusing the cart: 422 `cart_invalid` with its message.',
    params: checkoutCartParams,
    body: startCheckoutSchema,
    status: 201,
    statusOf: (body) => (wasStarted(body) ? 201 : 200),
    response: checkoutSchema,
    prepare: (ctx, { params, body }) => prepareCheckout(ctx, params.cartId, body.shippingAddress),
    handler: (ctx, { params, body, prepared }) => startCheckout(ctx, params.cartId, body, prepared.taxes),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/checkouts/:orderId/payment',
    scope: 'carts:write',
    tags,
    summary: "Record the outcome of a checkout's payment",
    description:
      '`succeeded` places the order from the held stock (the tenders must add up to the total: 422 otherwise); ' +
      '`failed` releases the stock and reopens the cart. Repeating an outcome answers the same result. A ' +
      'checkout whose hold ran out: 409 `reservation_expired`, the checkout expired and the cart active again. ' +
      "On a failure or an expiry, an INVENTORY_SERVICE SPI is asked to revert what the merchant's system holds.",
    params: checkoutParams,
    body: paymentSchema,
    response: paymentResultSchema,
    // The expiry is recorded in a transaction of its own, so the 409 does not undo it.
    prepare: async (ctx, { params, body }) => {
      const expired = await inTenantTransaction(ctx.platform.db, ctx.tenantId, (tx) =>
        expireIfOverdue({ ...ctx, tx }, params.orderId),
      );
      if (expired || body.outcome === 'failed') await revertMerchantInventory(ctx, params.orderId, expired);
      if (expired) {
        throw new Problem(
          'reservation_expired',
          `The checkout of order ${params.orderId} expired; check out again.`,
        );
      }
    },
    handler: (ctx, { params, body }) => recordPayment(ctx, params.orderId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/checkouts/:orderId',
    scope: 'carts:read',
    tags,
    summary: 'Read a checkout',
    params: checkoutParams,
    response: checkoutSchema,
    handler: (ctx, { params }) => getCheckout(ctx, params.orderId),
  });
}
