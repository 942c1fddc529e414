import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { addLine, moveLine, removeLine, setLine } from './lines.ts';
import {
  cartAuditActionSchema,
  cartLineInputSchema,
  cartLineParams,
  cartListSchema,
  cartParams,
  cartQuantitySchema,
  cartSchema,
  cartSettingsSchema,
  customerCartsParams,
  customerCartsQuery,
  newCartSchema,
  saveCartSchema,
  signInSchema,
} from './schemas.ts';
import * as carts from './service.ts';
import { getCartSettings, updateCartSettings } from './settings.ts';

const tags = ['Carts'];
const CART = '/merchant/v1/carts/:cartId';
const LINE = `${CART}/lines/:productId`;
const priced =
  'Answers the cart priced at its store now (lines, saved-for-later lines, subtotal, availability).';

export function cartRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/carts',
    scope: 'carts:write',
    tags,
    summary: 'Create a cart',
    description:
      'Without `cartId` Backroom generates `cart_<uuid>`. Every line is checked: an unknown product or one ' +
      'without a price at the store answers 422, more than is available 409 `insufficient_stock`.',
    body: newCartSchema,
    status: 201,
    response: cartSchema,
    handler: (ctx, { body }) => carts.createCart(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: CART,
    scope: 'carts:read',
    tags,
    summary: 'Get a cart',
    description: priced,
    params: cartParams,
    response: cartSchema,
    handler: (ctx, { params }) => carts.getCart(ctx, params.cartId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/lines`,
    scope: 'carts:write',
    tags,
    summary: 'Add units of a product to an active cart',
    description: `Adds to the product's line when there is one. ${priced}`,
    params: cartParams,
    body: cartLineInputSchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => addLine(ctx, params.cartId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: LINE,
    scope: 'carts:write',
    tags,
    summary: "Set the quantity of a product's line",
    params: cartLineParams,
    body: cartQuantitySchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => setLine(ctx, params.cartId, params.productId, body.quantity),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: LINE,
    scope: 'carts:write',
    tags,
    summary: 'Remove a product from the cart and from its saved-for-later list',
    params: cartLineParams,
    response: cartSchema,
    handler: (ctx, { params }) => removeLine(ctx, params.cartId, params.productId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${LINE}/save-for-later`,
    scope: 'carts:write',
    tags,
    summary: 'Move a line to the saved-for-later list',
    params: cartLineParams,
    response: cartSchema,
    handler: (ctx, { params }) => moveLine(ctx, params.cartId, params.productId, 'saved_for_later'),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${LINE}/move-to-cart`,
    scope: 'carts:write',
    tags,
    summary: 'Move a saved-for-later line back into the cart',
    description: 'The quantity moved (with any already in the cart) must be available at the store.',
    params: cartLineParams,
    response: cartSchema,
    handler: (ctx, { params }) => moveLine(ctx, params.cartId, params.productId, 'cart'),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/save`,
    scope: 'carts:write',
    tags,
    summary: 'Save an active cart for later',
    params: cartParams,
    body: saveCartSchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => carts.saveCart(ctx, params.cartId, body.name),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/resume`,
    scope: 'carts:write',
    tags,
    summary: 'Make a saved, abandoned or suspended cart active again',
    params: cartParams,
    response: cartSchema,
    handler: (ctx, { params }) => carts.resumeCart(ctx, params.cartId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/suspend`,
    scope: 'carts:write',
    tags,
    summary: 'Suspend (park) an active cart at a register',
    description: 'Records who and why, and emits `SUSPEND_CART` for loss-prevention audits.',
    params: cartParams,
    body: cartAuditActionSchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => carts.auditedStatusChange(ctx, params.cartId, 'suspend', body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/void`,
    scope: 'carts:write',
    tags,
    summary: 'Void a cart for good',
    description: 'Records who and why, and emits `VOID_CART` for loss-prevention audits.',
    params: cartParams,
    body: cartAuditActionSchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => carts.auditedStatusChange(ctx, params.cartId, 'void', body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${CART}/sign-in`,
    scope: 'carts:write',
    tags,
    summary: 'Attach a customer who signed in to an anonymous cart',
    description:
      "When the customer already has an active cart at the same store, this cart's lines join it " +
      "(quantities summed), this cart becomes `merged` (`cart.merged`) and the customer's cart answers.",
    params: cartParams,
    body: signInSchema,
    response: cartSchema,
    handler: (ctx, { params, body }) => carts.signIn(ctx, params.cartId, body.customerId),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers/:customerId/carts',
    scope: 'carts:read',
    tags,
    summary: "A customer's carts in every channel, newest first",
    params: customerCartsParams,
    query: customerCartsQuery,
    response: cartListSchema,
    handler: async (ctx, { params, query }) => ({
      data: await carts.customerCarts(ctx, params.customerId, query.status),
    }),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/cart-settings',
    scope: 'carts:read',
    tags,
    summary: 'Get the cart settings',
    response: cartSettingsSchema,
    handler: (ctx) => getCartSettings(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/cart-settings',
    scope: 'carts:write',
    tags,
    summary: 'Change the cart settings',
    body: cartSettingsSchema,
    response: cartSettingsSchema,
    handler: (ctx, { body }) => updateCartSettings(ctx, body),
  });
}
