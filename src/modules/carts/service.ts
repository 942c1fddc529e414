import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import { findCustomer, requireCustomer } from '../customers/lookup.ts';
import { missingStoreIds } from '../stores/service.ts';
import { checkLine, pricedCart } from './pricing.ts';
import * as repo from './repo.ts';
import type { Cart, CartAuditAction, NewCart } from './schemas.ts';
import type { CartStatus } from './tables.ts';

export { type CheckoutCart, cartForCheckout, setCartCheckoutState } from './checkout-view.ts';
export { getCartSettings } from './settings.ts';

/** The cart as the API answers it. */
export async function cartView(ctx: Ctx, cart: repo.CartRow): Promise<Cart> {
  const lines = await repo.linesOf(ctx.tx, cart.id);
  const customer = cart.customerUuid ? await repo.customerOfCart(ctx.tx, cart.customerUuid) : undefined;
  const mergedIntoCartId = cart.mergedInto ? await repo.cartIdOf(ctx.tx, cart.mergedInto) : undefined;
  return pricedCart(ctx, cart, lines, {
    ...(customer ? { customerId: customer.customerId } : {}),
    ...(mergedIntoCartId ? { mergedIntoCartId } : {}),
  });
}

/** The cart, locked for the rest of the transaction when asked; 404 when there is none. */
export async function requireCart(ctx: Ctx, cartId: string, options: { lock?: boolean } = {}) {
  const cart = await repo.findCart(ctx.tx, cartId, options);
  if (!cart) throw new Problem('not_found', `No cart has the id ${cartId}.`);
  return cart;
}

/** The cart locked, if its status is one of `allowed`; else 409 invalid_state. */
export async function requireCartIn(ctx: Ctx, cartId: string, allowed: readonly CartStatus[]) {
  const cart = await requireCart(ctx, cartId, { lock: true });
  if (!allowed.includes(cart.status)) {
    throw new Problem(
      'invalid_state',
      `Cart ${cartId} is ${cart.status}; this needs it ${allowed.join(' or ')}.`,
    );
  }
  return cart;
}

/** Records a change of the cart: its last activity and update time are now. */
export function touch(ctx: Ctx, cart: repo.CartRow, changes: repo.CartChanges = {}) {
  const now = ctx.now();
  return repo.updateCart(ctx.tx, cart.id, { ...changes, updatedAt: now, lastActivityAt: now });
}

export async function getCart(ctx: Ctx, cartId: string): Promise<Cart> {
  return cartView(ctx, await requireCart(ctx, cartId));
}

export async function createCart(ctx: Ctx, input: NewCart): Promise<Cart> {
  if ((await missingStoreIds(ctx, [input.storeId])).length > 0) {
    const message = `no store has the id ${input.storeId}`;
    throw new Problem('unknown_reference', `body.storeId: ${message}`, {
      errors: [{ field: 'body.storeId', message }],
    });
  }
  let customerUuid: string | null = null;
  if (input.customerId) {
    const customer = await findCustomer(ctx, input.customerId);
    if (!customer) {
      const message = `no customer has the number ${input.customerId}`;
      throw new Problem('unknown_reference', `body.customerId: ${message}`, {
        errors: [{ field: 'body.customerId', message }],
      });
    }
    customerUuid = customer.id;
  }
  const quantities = new Map<string, { quantity: number; index: number }>();
  for (const [index, line] of (input.lines ?? []).entries()) {
    const seen = quantities.get(line.productId);
    quantities.set(line.productId, {
      quantity: (seen?.quantity ?? 0) + line.quantity,
      index: seen?.index ?? index,
    });
  }
  for (const [productId, { quantity, index }] of quantities) {
    const field = `body.lines.${index}`;
    await checkLine(
      ctx,
      input.storeId,
      { productId, quantity },
      {
        productId: `${field}.productId`,
        quantity: `${field}.quantity`,
      },
    );
  }
  const cartId = input.cartId ?? `cart_${randomUUID()}`;
  const cart = await repo.insertCart(
    ctx.tx,
    ctx.tenantId,
    {
      cartId,
      storeId: input.storeId,
      channel: input.channel,
      customerUuid,
      name: input.name ?? null,
      registerId: input.registerId ?? null,
      associateId: input.associateId ?? null,
    },
    ctx.now(),
  );
  if (!cart) throw new Problem('already_exists', `A cart with the id ${cartId} already exists.`);
  for (const [productId, { quantity }] of quantities) {
    await repo.setLineQuantity(
      ctx.tx,
      ctx.tenantId,
      { cartUuid: cart.id, productId, savedForLater: false, quantity },
      ctx.now(),
    );
  }
  return cartView(ctx, cart);
}

export async function saveCart(ctx: Ctx, cartId: string, name?: string): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  return cartView(ctx, await touch(ctx, cart, { status: 'saved', ...(name ? { name } : {}) }));
}

export async function resumeCart(ctx: Ctx, cartId: string): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['saved', 'abandoned', 'suspended']);
  return cartView(ctx, await touch(ctx, cart, { status: 'active' }));
}

/** Suspends (parks) or voids a cart at a register; both are recorded for loss-prevention audits. */
export async function auditedStatusChange(
  ctx: Ctx,
  cartId: string,
  action: 'suspend' | 'void',
  input: CartAuditAction,
): Promise<Cart> {
  const allowed: CartStatus[] =
    action === 'suspend' ? ['active'] : ['active', 'saved', 'abandoned', 'suspended'];
  const cart = await requireCartIn(ctx, cartId, allowed);
  const changed = await touch(ctx, cart, {
    status: action === 'suspend' ? 'suspended' : 'voided',
    statusReason: input.reason,
    statusBy: input.associateId,
    ...(input.registerId ? { registerId: input.registerId } : {}),
  });
  const view = await cartView(ctx, changed);
  await emit(ctx, {
    type: action === 'suspend' ? 'SUSPEND_CART' : 'VOID_CART',
    subject: cartId,
    data: {
      cart: view,
      associateId: input.associateId,
      ...(input.registerId ? { registerId: input.registerId } : {}),
      reason: input.reason,
      at: ctx.now().getTime(),
    },
  });
  return view;
}

/**
 * Attaches the customer to an anonymous active cart. When the customer already has an active cart at the same
 * store, this cart's lines join it (quantities summed, stock not re-checked) and this cart becomes 'merged';
 * the surviving cart answers.
 */
export async function signIn(ctx: Ctx, cartId: string, customerId: string): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  const customer = await findCustomer(ctx, customerId);
  if (!customer) {
    const message = `no customer has the number ${customerId}`;
    throw new Problem('unknown_reference', `body.customerId: ${message}`, {
      errors: [{ field: 'body.customerId', message }],
    });
  }
  if (cart.customerUuid === customer.id) return cartView(ctx, cart);
  if (cart.customerUuid) {
    throw new Problem('invalid_state', `Cart ${cartId} already belongs to another customer.`);
  }
  const survivor = await repo.activeCartOf(ctx.tx, customer.id, cart.storeId, cart.id);
  if (!survivor) return cartView(ctx, await touch(ctx, cart, { customerUuid: customer.id }));
  const theirs = await repo.linesOf(ctx.tx, survivor.id);
  const quantityIn = (productId: string, savedForLater: boolean) =>
    theirs.find((line) => line.productId === productId && line.savedForLater === savedForLater)?.quantity ??
    0;
  for (const line of await repo.linesOf(ctx.tx, cart.id)) {
    await repo.setLineQuantity(
      ctx.tx,
      ctx.tenantId,
      {
        cartUuid: survivor.id,
        productId: line.productId,
        savedForLater: line.savedForLater,
        quantity: line.quantity + quantityIn(line.productId, line.savedForLater),
      },
      ctx.now(),
    );
  }
  await touch(ctx, cart, { status: 'merged', mergedInto: survivor.id, customerUuid: customer.id });
  const surviving = await touch(ctx, survivor);
  await emit(ctx, {
    type: 'cart.merged',
    subject: cartId,
    data: { cartId, mergedIntoCartId: survivor.cartId, customerId: customer.customerId },
  });
  return cartView(ctx, surviving);
}

/** The customer's carts (any channel), newest first; a merged customer number answers its survivor's. */
export async function customerCarts(ctx: Ctx, customerId: string, status?: CartStatus): Promise<Cart[]> {
  const customer = await requireCustomer(ctx, customerId);
  const carts = await repo.cartsOfCustomer(ctx.tx, customer.id, status);
  const views: Cart[] = [];
  for (const cart of carts) views.push(await cartView(ctx, cart));
  return views;
}
