import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import {
  type CheckoutCart,
  cartForCheckout,
  getCartSettings,
  setCartCheckoutState,
} from '../carts/service.ts';
import { releaseReservation, reserveStock } from '../inventory/service.ts';
import { getOrder, newOrderSchema, orderExists, placeOrder } from '../orders/service.ts';
import * as repo from './checkout-repo.ts';
import type { Checkout, Payment, PaymentResult, StartCheckout } from './checkout-schemas.ts';
import type { ExternalTaxes } from './checkout-spi.ts';
import { shippingOptions } from './shipping.ts';
import { storeTaxQuote, type TaxableLine, type TaxCalculation } from './taxes.ts';

/** The order a checkout posts when its payment succeeds: the body of POST /sa/orders without tenders. */
interface OrderDraft {
  orderId: string;
  type: 'sale';
  channel: CheckoutCart['channel'];
  storeId: string;
  customerId?: string;
  lines: {
    productId: string;
    quantity: number;
    unitPrice: number;
    taxes: { name: string; ratePpm: number; amount: number }[];
    taxAmount: number;
    fulfillment: { type: 'ship'; storeId: string };
  }[];
  discounts: never[];
  shipping?: { methodId: string; name: string; amount: number; taxAmount: number; address?: object };
  totals: { subtotal: number; discountTotal: number; taxTotal: number; shippingTotal: number; total: number };
  receipt?: { email: string };
}

type StoredCheckout = NonNullable<Awaited<ReturnType<typeof repo.findCheckout>>>;

/** Created checkouts, so the route answers 201 for them and 200 for a replay. */
const createdCheckouts = new WeakSet<Checkout>();
export const wasStarted = (checkout: Checkout) => createdCheckouts.has(checkout);

function toCheckout(row: StoredCheckout): Checkout {
  const draft = row.orderDraft as unknown as OrderDraft;
  return {
    orderId: row.orderId,
    cartId: row.cartId,
    status: row.status,
    expiresAt: row.expiresAt.getTime(),
    lines: draft.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxAmount: line.taxAmount,
      amount: line.quantity * line.unitPrice,
    })),
    ...(draft.shipping
      ? {
          shipping: {
            methodId: draft.shipping.methodId,
            name: draft.shipping.name,
            amount: draft.shipping.amount,
            taxAmount: draft.shipping.taxAmount,
          },
        }
      : {}),
    totals: draft.totals,
    ...(row.reservationId === null ? {} : { reservationId: row.reservationId }),
    ...(row.failureReason === null ? {} : { failureReason: row.failureReason }),
  };
}

const hashOf = (cartId: string, input: StartCheckout) =>
  createHash('sha256')
    .update(JSON.stringify([cartId, input.shippingMethodId, input.shippingAddress, input.email]))
    .digest('hex');

/** The stored checkout of this orderId when the request asks for the same thing again; 409 when it does not. */
function replayOf(row: StoredCheckout | undefined, requestHash: string): Checkout | undefined {
  if (!row) return undefined;
  if (row.requestHash !== requestHash) {
    throw new Problem(
      'already_exists',
      `Order ${row.orderId} already has a checkout of cart ${row.cartId} with other content.`,
    );
  }
  return toCheckout(row);
}

async function shippingOf(ctx: Ctx, cart: CheckoutCart, input: StartCheckout, subtotal: number) {
  if (input.shippingMethodId === undefined) return undefined;
  const options = await shippingOptions(ctx, { storeId: cart.storeId, subtotal });
  const method = options.data.find((option) => option.methodId === input.shippingMethodId);
  if (!method) {
    throw new Problem(
      'unknown_reference',
      `No active shipping method "${input.shippingMethodId}" for this cart.`,
      {
        errors: [{ field: 'body.shippingMethodId', message: `not offered to store ${cart.storeId}` }],
      },
    );
  }
  return method;
}

/**
 * The lines' taxes from the merchant's tax engine when it answered for these very amounts (prices may have moved
 * since it was asked); otherwise from the store's built-in rates. The engine taxes lines only, not shipping.
 */
async function taxesOf(
  ctx: Ctx,
  storeId: string,
  lines: readonly (TaxableLine & { productId: string })[],
  shipping: number | undefined,
  external: ExternalTaxes | undefined,
): Promise<TaxCalculation> {
  const answered = lines.map((line) => {
    const tax = external?.get(line.productId);
    return tax?.amount === line.amount ? tax.taxAmount : undefined;
  });
  if (answered.some((taxAmount) => taxAmount === undefined)) {
    return storeTaxQuote(ctx, storeId, lines, shipping);
  }
  const taxed = lines.map((line, index) => {
    const taxAmount = answered[index] ?? 0;
    return {
      lineNumber: line.lineNumber,
      taxes: [{ name: 'Tax', ratePpm: 0, amount: taxAmount }],
      taxAmount,
    };
  });
  return { lines: taxed, taxTotal: taxed.reduce((sum, line) => sum + line.taxAmount, 0) };
}

/** Prices the cart, taxes it, holds its stock and waits for the payment. */
export async function startCheckout(
  ctx: Ctx,
  cartId: string,
  input: StartCheckout,
  externalTaxes?: ExternalTaxes,
): Promise<Checkout> {
  const requestHash = hashOf(cartId, input);
  const earlier = replayOf(await repo.findCheckout(ctx.tx, input.orderId), requestHash);
  if (earlier) return earlier;
  if (await orderExists(ctx, input.orderId)) {
    throw new Problem(
      'already_exists',
      `Order ${input.orderId} exists already; check out with a new order id.`,
    );
  }
  const cart = await cartForCheckout(ctx, cartId);
  // The cart is locked now: a checkout of the same order or cart that committed meanwhile is visible.
  const raced = replayOf(await repo.findCheckout(ctx.tx, input.orderId), requestHash);
  if (raced) return raced;
  const pending = await repo.pendingCheckoutOfCart(ctx.tx, cart.cartUuid);
  if (pending && pending.expiresAt > ctx.now()) {
    throw new Problem('invalid_state', `Cart ${cartId} is being checked out as order ${pending.orderId}.`);
  }
  if (pending) await repo.setCheckoutStatus(ctx.tx, pending.orderId, 'expired', ctx.now());

  const lines = cart.lines.map((line, index) => ({
    ...line,
    lineNumber: index + 1,
    amount: line.quantity * line.unitPrice,
  }));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const method = await shippingOf(ctx, cart, input, subtotal);
  const taxed = await taxesOf(ctx, cart.storeId, lines, method?.price, externalTaxes);
  const shippingTax = taxed.shipping?.taxAmount ?? 0;
  const address = input.shippingAddress ?? cart.shippingAddress;
  const draft: OrderDraft = {
    orderId: input.orderId,
    type: 'sale',
    channel: cart.channel,
    storeId: cart.storeId,
    ...(cart.customer ? { customerId: cart.customer.customerId } : {}),
    lines: lines.map((line, index) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxes: taxed.lines[index]?.taxes ?? [],
      taxAmount: taxed.lines[index]?.taxAmount ?? 0,
      fulfillment: { type: 'ship', storeId: cart.storeId },
    })),
    discounts: [],
    ...(method
      ? {
          shipping: {
            methodId: method.methodId,
            name: method.name,
            amount: method.price,
            taxAmount: shippingTax,
            ...(address ? { address } : {}),
          },
        }
      : {}),
    totals: {
      subtotal,
      discountTotal: 0,
      taxTotal: taxed.taxTotal,
      shippingTotal: method?.price ?? 0,
      total: subtotal + taxed.taxTotal + (method?.price ?? 0),
    },
    ...(input.email ? { receipt: { email: input.email } } : {}),
  };

  const settings = await getCartSettings(ctx);
  const reservation = await reserveStock(ctx, {
    storeId: cart.storeId,
    reference: { type: 'cart', id: cart.cartId },
    lines: lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    expiresInSeconds: settings.checkoutHoldSeconds,
  });
  const inserted = await repo.insertCheckout(
    ctx.tx,
    ctx.tenantId,
    {
      orderId: input.orderId,
      cartUuid: cart.cartUuid,
      requestHash,
      orderDraft: draft as unknown as Record<string, unknown>,
      reservationId: reservation.reservationId,
      expiresAt: new Date(reservation.expiresAt),
    },
    ctx.now(),
  );
  // Another cart's checkout took this order id meanwhile: this one holds nothing (the Problem rolls it back).
  if (!inserted) {
    throw new Problem(
      'already_exists',
      `Order ${input.orderId} is already being checked out from another cart.`,
    );
  }
  await setCartCheckoutState(ctx, cart.cartUuid, 'checking_out');
  const checkout = await getCheckout(ctx, input.orderId);
  await emit(ctx, { type: 'checkout.started', subject: input.orderId, data: { checkout } });
  createdCheckouts.add(checkout);
  return checkout;
}

export async function getCheckout(ctx: Ctx, orderId: string): Promise<Checkout> {
  return toCheckout(await mustFind(ctx, orderId, false));
}

async function mustFind(ctx: Ctx, orderId: string, lock: boolean): Promise<StoredCheckout> {
  const row = await repo.findCheckout(ctx.tx, orderId, { lock });
  if (!row) throw new Problem('not_found', `No checkout has the orderId ${orderId}.`);
  return row;
}

/**
 * Marks a checkout whose hold ran out as expired and reopens its cart; true when it did. Run in a transaction of
 * its own before the payment's, so the 409 that follows does not undo it.
 */
export async function expireIfOverdue(ctx: Ctx, orderId: string): Promise<boolean> {
  const row = await repo.findCheckout(ctx.tx, orderId, { lock: true });
  if (row?.status !== 'pending_payment' || row.expiresAt > ctx.now()) return false;
  await repo.setCheckoutStatus(ctx.tx, orderId, 'expired', ctx.now());
  await setCartCheckoutState(ctx, row.cartUuid, 'active');
  return true;
}

function tenderErrors(payment: Payment, total: number): FieldError[] {
  if (!payment.tenders) return [{ field: 'body.tenders', message: 'required when the payment succeeded' }];
  const paid = payment.tenders.reduce((sum, tender) => sum + tender.amount, 0);
  return paid === total
    ? []
    : [{ field: 'body.tenders', message: `add up to ${paid}; the total is ${total}` }];
}

type TenderLike = {
  type: string;
  amount: number;
  cardBrand?: string;
  cardLast4?: string;
  reference?: string;
};

/** Whether a repeated payment names the tenders the order was placed with (a retry, not a second charge). */
function sameTenders(given: readonly TenderLike[], stored: readonly TenderLike[]): boolean {
  const key = (tender: TenderLike) =>
    JSON.stringify([tender.type, tender.amount, tender.cardBrand, tender.cardLast4, tender.reference]);
  const a = given.map(key).sort();
  const b = stored.map(key).sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Records the payment's outcome: the order is placed from the held stock, or the stock goes back. */
export async function recordPayment(ctx: Ctx, orderId: string, payment: Payment): Promise<PaymentResult> {
  const row = await mustFind(ctx, orderId, true);
  const draft = row.orderDraft as unknown as OrderDraft;
  if (row.status === 'completed' && payment.outcome === 'succeeded') {
    const order = await getOrder(ctx, orderId);
    if (!sameTenders(payment.tenders ?? [], order.tenders)) {
      throw new Problem(
        'already_exists',
        `Order ${orderId} was paid with other tenders; the first payment stands.`,
      );
    }
    return { checkout: toCheckout(row), order };
  }
  if (row.status === 'payment_failed' && payment.outcome === 'failed') return { checkout: toCheckout(row) };
  if (row.status !== 'pending_payment') {
    throw new Problem('invalid_state', `The checkout of order ${orderId} is ${row.status}.`);
  }
  if (row.expiresAt <= ctx.now()) {
    throw new Problem('reservation_expired', `The checkout of order ${orderId} expired; check out again.`);
  }
  if (payment.outcome === 'failed') {
    if (row.reservationId) await releaseReservation(ctx, row.reservationId);
    await repo.setCheckoutStatus(ctx.tx, orderId, 'payment_failed', ctx.now(), payment.failureReason);
    await setCartCheckoutState(ctx, row.cartUuid, 'active');
    const checkout = await getCheckout(ctx, orderId);
    await emit(ctx, { type: 'checkout.payment_failed', subject: orderId, data: { checkout } });
    return { checkout };
  }
  throwIfFieldErrors('totals_mismatch', tenderErrors(payment, draft.totals.total));
  const input = newOrderSchema.parse({ ...draft, tenders: payment.tenders });
  const { order } = await placeOrder(
    ctx,
    input,
    row.reservationId ? { reservationId: row.reservationId } : {},
  );
  await repo.setCheckoutStatus(ctx.tx, orderId, 'completed', ctx.now());
  await setCartCheckoutState(ctx, row.cartUuid, 'checked_out', orderId);
  return { checkout: await getCheckout(ctx, orderId), order };
}
