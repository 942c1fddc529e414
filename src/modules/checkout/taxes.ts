import type { Ctx } from '../../platform/context.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { findProducts } from '../products/service.ts';
import { findStores, getStore } from '../stores/service.ts';
import * as repo from './tax-repo.ts';
import type { TaxQuote, TaxQuoteRequest, TaxRates, TaxRatesInput } from './tax-schemas.ts';

/** A tax rate of a store, as the calculation needs it. */
export interface TaxRate {
  name: string;
  taxClass?: string;
  /** Parts per million: 82500 is 8.25 %. */
  ratePpm: number;
  appliesToShipping: boolean;
}

export interface TaxableLine {
  lineNumber: number;
  taxClass?: string;
  /** Minor units, after the line's discount. */
  amount: number;
}

export interface AppliedTax {
  name: string;
  ratePpm: number;
  amount: number;
}

export interface LineTaxes {
  lineNumber: number;
  taxes: AppliedTax[];
  taxAmount: number;
}

export interface TaxCalculation {
  lines: LineTaxes[];
  shipping?: { taxes: AppliedTax[]; taxAmount: number };
  taxTotal: number;
}

const MILLION = 1_000_000n;

/** amount × ratePpm / 1 000 000 in exact integers, rounded half away from zero. */
export function taxOf(amount: number, ratePpm: number): number {
  const product = BigInt(amount) * BigInt(ratePpm);
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + MILLION) / (2n * MILLION);
  return Number(product < 0n ? -rounded : rounded);
}

function apply(rates: readonly TaxRate[], amount: number) {
  const taxes = rates.map((rate) => ({
    name: rate.name,
    ratePpm: rate.ratePpm,
    amount: taxOf(amount, rate.ratePpm),
  }));
  return { taxes, taxAmount: taxes.reduce((sum, tax) => sum + tax.amount, 0) };
}

/**
 * The taxes of each line, and of the shipping when given. Every rate naming a line's tax class applies (they
 * stack); the rates without a class apply to lines whose class no rate of the store names (or that have none).
 * Shipping bears the rates marked `appliesToShipping`. Each line and rate is rounded on its own.
 */
export function calculateTaxes(
  rates: readonly TaxRate[],
  lines: readonly TaxableLine[],
  shipping?: number,
): TaxCalculation {
  const namedClasses = new Set(rates.flatMap((rate) => (rate.taxClass === undefined ? [] : [rate.taxClass])));
  const fallback = rates.filter((rate) => rate.taxClass === undefined);
  const ratesOf = (taxClass: string | undefined) =>
    taxClass !== undefined && namedClasses.has(taxClass)
      ? rates.filter((rate) => rate.taxClass === taxClass)
      : fallback;
  const taxedLines = lines.map((line) => ({
    lineNumber: line.lineNumber,
    ...apply(ratesOf(line.taxClass), line.amount),
  }));
  const taxedShipping =
    shipping === undefined
      ? undefined
      : apply(
          rates.filter((rate) => rate.appliesToShipping),
          shipping,
        );
  const taxTotal =
    taxedLines.reduce((sum, line) => sum + line.taxAmount, 0) + (taxedShipping?.taxAmount ?? 0);
  return { lines: taxedLines, ...(taxedShipping ? { shipping: taxedShipping } : {}), taxTotal };
}

// The store's rates, for the API and for the checkout.

/** The rates of a store as the calculation takes them. */
async function ratesOfStore(ctx: Ctx, storeId: string): Promise<TaxRate[]> {
  const rows = await repo.storeTaxRates(ctx.tx, storeId);
  return rows.map((row) => ({
    name: row.name,
    ...(row.taxClass === null ? {} : { taxClass: row.taxClass }),
    ratePpm: row.ratePpm,
    appliesToShipping: row.appliesToShipping,
  }));
}

export async function getTaxRates(ctx: Ctx, storeId: string): Promise<TaxRates> {
  await getStore(ctx, storeId);
  return { storeId, rates: await ratesOfStore(ctx, storeId) };
}

export async function replaceTaxRates(ctx: Ctx, storeId: string, input: TaxRatesInput): Promise<TaxRates> {
  await getStore(ctx, storeId);
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  for (const [index, rate] of input.rates.entries()) {
    const key = JSON.stringify([rate.name, rate.taxClass ?? null]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      errors.push({
        field: `body.rates.${index}.name`,
        message: `rate ${first} has the same name and taxClass; name each once`,
      });
    }
  }
  throwIfFieldErrors('rule_violated', errors);
  await repo.lockStoreTaxRates(ctx.tx, ctx.tenantId, storeId);
  const values = input.rates.map((rate) => ({
    name: rate.name,
    taxClass: rate.taxClass ?? null,
    ratePpm: rate.ratePpm,
    appliesToShipping: rate.appliesToShipping,
  }));
  await repo.replaceStoreTaxRates(ctx.tx, ctx.tenantId, storeId, values, ctx.now());
  return getTaxRates(ctx, storeId);
}

/** The taxes of lines (and shipping) sold at a store, from its built-in rates; for the checkout. */
export async function storeTaxQuote(
  ctx: Ctx,
  storeId: string,
  lines: readonly TaxableLine[],
  shippingAmount?: number,
): Promise<TaxCalculation> {
  return calculateTaxes(await ratesOfStore(ctx, storeId), lines, shippingAmount);
}

export async function quoteTaxes(ctx: Ctx, request: TaxQuoteRequest): Promise<TaxQuote> {
  const store = (await findStores(ctx, [request.storeId])).get(request.storeId);
  if (!store) {
    throw new Problem('unknown_reference', `No store has storeId "${request.storeId}".`, {
      errors: [{ field: 'body.storeId', message: 'no store has this storeId' }],
    });
  }
  const products = await findProducts(
    ctx,
    request.lines.map((line) => line.productId),
  );
  const errors: FieldError[] = [];
  const lines = request.lines.map((line, index) => {
    const product = products.get(line.productId);
    if (!product)
      errors.push({ field: `body.lines.${index}.productId`, message: 'no product has this productId' });
    const gross = line.quantity * line.unitPrice;
    const discount = line.discountAmount ?? 0;
    if (discount > gross) {
      errors.push({
        field: `body.lines.${index}.discountAmount`,
        message: 'must not exceed quantity × unitPrice',
      });
    }
    return {
      lineNumber: index + 1,
      productId: line.productId,
      ...(product?.taxClass ? { taxClass: product.taxClass } : {}),
      amount: gross - discount,
    };
  });
  throwIfFieldErrors(
    'unknown_reference',
    errors.filter((e) => e.field.endsWith('productId')),
  );
  throwIfFieldErrors('rule_violated', errors);
  const taxed = await storeTaxQuote(ctx, store.storeId, lines, request.shippingAmount);
  return {
    storeId: store.storeId,
    currency: store.currency,
    lines: lines.map((line, index) => ({
      lineNumber: line.lineNumber,
      productId: line.productId,
      amount: line.amount,
      taxes: taxed.lines[index]?.taxes ?? [],
      taxAmount: taxed.lines[index]?.taxAmount ?? 0,
    })),
    ...(taxed.shipping && request.shippingAmount !== undefined
      ? { shipping: { amount: request.shippingAmount, ...taxed.shipping } }
      : {}),
    taxTotal: taxed.taxTotal,
  };
}
