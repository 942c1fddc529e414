import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { checkLine } from './pricing.ts';
import * as repo from './repo.ts';
import type { Cart } from './schemas.ts';
import { cartView, requireCartIn, touch } from './service.ts';

// Line edits: only on an active cart; every one is activity on the cart.

async function quantityOf(ctx: Ctx, cart: repo.CartRow, productId: string, savedForLater: boolean) {
  const lines = await repo.linesOf(ctx.tx, cart.id);
  return lines.find((line) => line.productId === productId && line.savedForLater === savedForLater)?.quantity;
}

async function store(
  ctx: Ctx,
  cart: repo.CartRow,
  productId: string,
  savedForLater: boolean,
  quantity: number,
) {
  await repo.setLineQuantity(
    ctx.tx,
    ctx.tenantId,
    { cartUuid: cart.id, productId, savedForLater, quantity },
    ctx.now(),
  );
}

function lineMissing(cart: repo.CartRow, productId: string, list: string): never {
  throw new Problem('not_found', `Cart ${cart.cartId} has no line of ${productId} ${list}.`);
}

/** Adds units of a product to the cart: to its line if it has one. */
export async function addLine(
  ctx: Ctx,
  cartId: string,
  line: { productId: string; quantity: number },
): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  const quantity = ((await quantityOf(ctx, cart, line.productId, false)) ?? 0) + line.quantity;
  await checkLine(
    ctx,
    cart.storeId,
    { productId: line.productId, quantity },
    {
      productId: 'body.productId',
      quantity: 'body.quantity',
    },
  );
  await store(ctx, cart, line.productId, false, quantity);
  return cartView(ctx, await touch(ctx, cart));
}

/** Sets the quantity of a product's line, adding the line when there is none. */
export async function setLine(ctx: Ctx, cartId: string, productId: string, quantity: number): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  await checkLine(
    ctx,
    cart.storeId,
    { productId, quantity },
    {
      productId: 'params.productId',
      quantity: 'body.quantity',
    },
  );
  await store(ctx, cart, productId, false, quantity);
  return cartView(ctx, await touch(ctx, cart));
}

/** Removes the product from the cart (and from its saved-for-later list). */
export async function removeLine(ctx: Ctx, cartId: string, productId: string): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  const inCart = await repo.deleteLine(ctx.tx, cart.id, productId, false);
  const saved = await repo.deleteLine(ctx.tx, cart.id, productId, true);
  if (!inCart && !saved) lineMissing(cart, productId, 'to remove');
  return cartView(ctx, await touch(ctx, cart));
}

/** Moves a line to the saved-for-later list, or back, joining a line already there. */
export async function moveLine(
  ctx: Ctx,
  cartId: string,
  productId: string,
  to: 'saved_for_later' | 'cart',
): Promise<Cart> {
  const cart = await requireCartIn(ctx, cartId, ['active']);
  const toSaved = to === 'saved_for_later';
  const moving = await quantityOf(ctx, cart, productId, !toSaved);
  if (moving === undefined) lineMissing(cart, productId, toSaved ? 'in the cart' : 'saved for later');
  const quantity = moving + ((await quantityOf(ctx, cart, productId, toSaved)) ?? 0);
  if (!toSaved) {
    await checkLine(
      ctx,
      cart.storeId,
      { productId, quantity },
      {
        productId: 'params.productId',
        quantity: 'params.productId',
      },
    );
  }
  await repo.deleteLine(ctx.tx, cart.id, productId, !toSaved);
  await store(ctx, cart, productId, toSaved, quantity);
  return cartView(ctx, await touch(ctx, cart));
}
