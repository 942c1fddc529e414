import type { Ctx } from '../../platform/context.ts';
import { Problem, type ProblemCode } from '../../platform/http/problems.ts';
import { stockKey, stockLevels } from '../inventory/service.ts';
import type { StoreProductPrice } from '../prices/schemas.ts';
import { storeProductPrices } from '../prices/service.ts';
import { getStore } from '../stores/service.ts';
import type { CartLineRow, CartRow } from './repo.ts';
import type { Cart, PricedLine } from './schemas.ts';

const PRICES_PER_CALL = 20;

/** The store's prices now of these products; unknown products are left out. */
export async function pricesAt(
  ctx: Ctx,
  storeId: string,
  productIds: readonly string[],
): Promise<Map<string, StoreProductPrice>> {
  const unique = [...new Set(productIds)];
  const prices = new Map<string, StoreProductPrice>();
  for (let start = 0; start < unique.length; start += PRICES_PER_CALL) {
    const chunk = unique.slice(start, start + PRICES_PER_CALL);
    const { data } = await storeProductPrices(ctx, { storeId, productIds: chunk });
    for (const price of data) prices.set(price.productId, price);
  }
  return prices;
}

/** Units available now at the store, by product. */
export async function availableAt(
  ctx: Ctx,
  storeId: string,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  const levels = await stockLevels(
    ctx,
    [...new Set(productIds)].map((productId) => ({ storeId, productId })),
  );
  return new Map(
    productIds.map((productId) => [productId, levels.get(stockKey({ storeId, productId }))?.available ?? 0]),
  );
}

/**
 * Checks a line a client asks for: the product exists and has a price at the store (422 naming the field),
 * and, unless `skipStock`, the store has the quantity available (409 insufficient_stock).
 */
export async function checkLine(
  ctx: Ctx,
  storeId: string,
  line: { productId: string; quantity: number },
  fields: { productId: string; quantity: string },
): Promise<void> {
  const price = (await pricesAt(ctx, storeId, [line.productId])).get(line.productId);
  if (!price) fail('unknown_reference', fields.productId, `no product has the id ${line.productId}`);
  if (price.effectivePrice === undefined) {
    fail('rule_violated', fields.productId, `${line.productId} has no price at store ${storeId}`);
  }
  const available = (await availableAt(ctx, storeId, [line.productId])).get(line.productId) ?? 0;
  if (line.quantity > available) {
    fail(
      'insufficient_stock',
      fields.quantity,
      `only ${available} of ${line.productId} available at store ${storeId}, ${line.quantity} asked`,
    );
  }
}

function fail(code: ProblemCode, field: string, message: string): never {
  throw new Problem(code, `${field}: ${message}`, { errors: [{ field, message }] });
}

/** The cart as the API answers it: every line priced at its store now, with what is available there. */
export async function pricedCart(
  ctx: Ctx,
  cart: CartRow,
  lines: readonly CartLineRow[],
  extra: { customerId?: string; mergedIntoCartId?: string } = {},
): Promise<Cart> {
  const store = await getStore(ctx, cart.storeId);
  const productIds = lines.map((line) => line.productId);
  const prices = await pricesAt(ctx, cart.storeId, productIds);
  const available = await availableAt(ctx, cart.storeId, productIds);
  const price = (line: CartLineRow): PricedLine => {
    const known = prices.get(line.productId);
    const unitPrice = known?.effectivePrice ?? 0;
    const units = available.get(line.productId) ?? 0;
    return {
      productId: line.productId,
      productName: known?.productName ?? line.productId,
      quantity: line.quantity,
      unitPrice,
      ...(known?.listPrice === undefined ? {} : { listPrice: known.listPrice }),
      onSale: known?.onSale ?? false,
      amount: unitPrice * line.quantity,
      available: units,
      availability: units >= line.quantity ? 'in_stock' : 'short',
    };
  };
  const inCart = lines.filter((line) => !line.savedForLater).map(price);
  const audited = cart.status === 'suspended' || cart.status === 'voided';
  return {
    cartId: cart.cartId,
    storeId: cart.storeId,
    channel: cart.channel,
    status: cart.status,
    ...(extra.customerId ? { customerId: extra.customerId } : {}),
    ...(cart.name ? { name: cart.name } : {}),
    ...(cart.registerId ? { registerId: cart.registerId } : {}),
    ...(cart.associateId ? { associateId: cart.associateId } : {}),
    currency: store.currency,
    lines: inCart,
    savedForLater: lines.filter((line) => line.savedForLater).map(price),
    subtotal: inCart.reduce((sum, line) => sum + line.amount, 0),
    itemCount: inCart.reduce((sum, line) => sum + line.quantity, 0),
    ...(audited && cart.statusReason ? { statusReason: cart.statusReason } : {}),
    ...(audited && cart.statusBy ? { statusBy: cart.statusBy } : {}),
    ...(extra.mergedIntoCartId ? { mergedIntoCartId: extra.mergedIntoCartId } : {}),
    createdAt: cart.createdAt.getTime(),
    updatedAt: cart.updatedAt.getTime(),
    lastActivityAt: cart.lastActivityAt.getTime(),
  };
}
