import type { StorePriceRow, StorePriceValues } from './repo.ts';
import type { StorePrice } from './schemas.ts';

/** What the pricing rules need to know of a product. */
export interface ProductPricing {
  listPrice?: number | undefined;
  currency?: string | undefined;
}

export type SaleTerms = Pick<StorePriceValues, 'salePrice' | 'saleStartsAt' | 'saleEndsAt'>;

/** A sale applies from its start (inclusive) to its end (exclusive); a missing bound leaves that side open. */
export function saleApplies(terms: SaleTerms, at: Date): boolean {
  if (terms.salePrice === null) return false;
  if (terms.saleStartsAt && at.getTime() < terms.saleStartsAt.getTime()) return false;
  if (terms.saleEndsAt && at.getTime() >= terms.saleEndsAt.getTime()) return false;
  return true;
}

/** The store's list price, or else the product's when the product is priced in the store's currency. */
export function effectiveListPrice(
  storeListPrice: number | null | undefined,
  storeCurrency: string,
  product: ProductPricing,
): { price: number; source: 'store' | 'product' } | undefined {
  if (storeListPrice !== null && storeListPrice !== undefined)
    return { price: storeListPrice, source: 'store' };
  if (product.listPrice !== undefined && product.currency === storeCurrency) {
    return { price: product.listPrice, source: 'product' };
  }
  return undefined;
}

export interface PriceAt {
  listPrice?: number;
  effectivePrice?: number;
  onSale: boolean;
  priceSource: 'store' | 'product' | 'none';
}

/** The price a product sells for at one store at one moment. */
export function priceAt(
  stored: StorePriceValues | undefined,
  storeCurrency: string,
  product: ProductPricing,
  at: Date,
): PriceAt {
  const list = effectiveListPrice(stored?.listPrice, storeCurrency, product);
  const listPrice = list ? { listPrice: list.price } : {};
  if (stored && stored.salePrice !== null && saleApplies(stored, at)) {
    return { ...listPrice, effectivePrice: stored.salePrice, onSale: true, priceSource: 'store' };
  }
  if (!list) return { onSale: false, priceSource: 'none' };
  return { ...listPrice, effectivePrice: list.price, onSale: false, priceSource: list.source };
}

export function toStorePrice(row: StorePriceRow): StorePrice {
  return {
    storeId: row.storeId,
    productId: row.productId,
    currency: row.currency,
    ...(row.listPrice === null ? {} : { listPrice: row.listPrice }),
    ...saleAndBannerFields(row),
    updatedAt: row.updatedAt.getTime(),
  };
}

/** The stored sale and banner fields that are set, in API form. */
export function saleAndBannerFields(values: StorePriceValues) {
  return {
    ...(values.salePrice === null ? {} : { salePrice: values.salePrice }),
    ...(values.saleStartsAt ? { saleStartsAt: values.saleStartsAt.getTime() } : {}),
    ...(values.saleEndsAt ? { saleEndsAt: values.saleEndsAt.getTime() } : {}),
    ...(values.promoBannerText === null ? {} : { promoBannerText: values.promoBannerText }),
  };
}

const compared = [
  'listPrice',
  'salePrice',
  'saleStartsAt',
  'saleEndsAt',
  'promoBannerText',
  'currency',
] as const;

/** The names of the fields whose values differ; every set field of a price that did not exist before. */
export function changedFields(before: StorePriceValues | undefined, after: StorePriceValues): string[] {
  return compared.filter((field) => comparable(before?.[field] ?? null) !== comparable(after[field]));
}

function comparable(value: string | number | Date | null): string | number | null {
  return value instanceof Date ? value.getTime() : value;
}

/** An amount in minor units as a merchandiser reads it: `1999, 'USD'` → `19.99 USD`. */
export function formatMoney(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
}
