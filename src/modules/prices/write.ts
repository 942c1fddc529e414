import type { Ctx } from '../../platform/context.ts';
import { emitMany } from '../../platform/events/emit.ts';
import { type BulkResult, failedItem, type ItemResult, summarise } from '../../platform/http/bulk.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { findProducts } from '../products/service.ts';
import type { Store } from '../stores/schemas.ts';
import { findStores } from '../stores/service.ts';
import {
  changedFields,
  effectiveListPrice,
  formatMoney,
  type ProductPricing,
  toStorePrice,
} from './pricing.ts';
import * as repo from './repo.ts';
import { MAX_BANNER_LENGTH, type StorePrice, type StoreProductPriceInput } from './schemas.ts';

interface Issue extends FieldError {
  code: 'validation_failed' | 'unknown_reference' | 'rule_violated';
}

interface Accepted {
  index: number;
  id: string;
  before: repo.StorePriceRow | undefined;
  values: repo.StorePriceValues;
  warnings: string[];
}

const keyOf = (key: repo.StoreProductKey) => `${key.storeId}/${key.productId}`;

/**
 * Sets the prices of products at stores, set-wise: one read each of the stores, the products and the current
 * prices (locked), one write of the prices that changed and one insert of their `price.updated` events.
 * Items that break a rule are reported and left out; items that change nothing are reported `unchanged`.
 */
export async function setStorePrices(
  ctx: Ctx,
  items: readonly StoreProductPriceInput[],
  allOrNothing: boolean,
): Promise<BulkResult<StorePrice>> {
  const stores = await findStores(
    ctx,
    items.map((item) => item.storeId),
  );
  const products = await findProducts(
    ctx,
    items.map((item) => item.productId),
  );
  const keys = [...new Map(items.map((item) => [keyOf(item), item])).values()];
  const current = new Map(
    (await repo.findStorePriceRows(ctx.tx, keys, { lock: true })).map((row) => [keyOf(row), row]),
  );
  const results: ItemResult<StorePrice>[] = [];
  const accepted: Accepted[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const id = keyOf(item);
    const first = seen.get(id);
    seen.set(id, first ?? index);
    const before = current.get(id);
    const checked =
      first === undefined
        ? checkItem(item, stores.get(item.storeId), products.get(item.productId), before, ctx.now())
        : { issues: [duplicate(item, first)] };
    if ('issues' in checked) results.push(failedItem(index, id, problemOf(checked.issues)));
    else accepted.push({ index, id, before, ...checked });
  }
  if (allOrNothing && results.length > 0) return summarise(results, true, 'storeProducts');
  await writeChanged(ctx, accepted, results);
  return summarise(results, allOrNothing, 'storeProducts');
}

async function writeChanged(ctx: Ctx, accepted: Accepted[], results: ItemResult<StorePrice>[]) {
  const changes = new Map<string, { item: Accepted; changed: string[] }>();
  for (const item of accepted) {
    const changed = changedFields(item.before, item.values);
    if (item.before && changed.length === 0)
      results.push(outcome(item, 'unchanged', toStorePrice(item.before)));
    else changes.set(item.id, { item, changed });
  }
  const written = await repo.writeStorePriceRows(
    ctx.tx,
    ctx.tenantId,
    [...changes.values()].map(({ item }) => item.values),
    ctx.now(),
  );
  const events = [];
  for (const row of written) {
    const change = changes.get(keyOf(row));
    if (!change) continue;
    const price = toStorePrice(row);
    results.push(outcome(change.item, change.item.before ? 'updated' : 'created', price));
    events.push({
      type: 'price.updated',
      subject: change.item.id,
      data: { storeId: row.storeId, productId: row.productId, price, changed: change.changed },
    });
  }
  await emitMany(ctx, events);
}

/** The rules of one item: the values to store and what to warn about, or why it cannot be stored. */
function checkItem(
  item: StoreProductPriceInput,
  store: Store | undefined,
  product: ProductPricing | undefined,
  before: repo.StorePriceRow | undefined,
  now: Date,
): { issues: Issue[] } | { values: repo.StorePriceValues; warnings: string[] } {
  const missing: Issue[] = [];
  if (!store) {
    missing.push({
      code: 'unknown_reference',
      field: 'storeId',
      message: `no store has storeId "${item.storeId}"; create the store first`,
    });
  }
  if (!product) {
    missing.push({
      code: 'unknown_reference',
      field: 'productId',
      message: `no product has productId "${item.productId}" (or it was deleted); create the product first`,
    });
  }
  if (!store || !product) return { issues: missing };
  const values = merge(item, before, store.currency);
  const issues = ruleIssues(item, values, store);
  if (issues.length > 0) return { issues };
  return { values, warnings: warnings(values, store.currency, product, now) };
}

function duplicate(item: StoreProductPriceInput, first: number): Issue {
  return {
    code: 'validation_failed',
    field: 'productId',
    message: `store ${item.storeId} and product ${item.productId} appear twice in this call, first at item ${first}`,
  };
}

function merge(
  item: StoreProductPriceInput,
  before: repo.StorePriceValues | undefined,
  currency: string,
): repo.StorePriceValues {
  const instant = (given: number | null | undefined, stored: Date | null | undefined) =>
    given === undefined ? (stored ?? null) : given === null ? null : new Date(given);
  return {
    storeId: item.storeId,
    productId: item.productId,
    currency,
    listPrice: item.listPrice === undefined ? (before?.listPrice ?? null) : item.listPrice,
    salePrice: item.salePrice === undefined ? (before?.salePrice ?? null) : item.salePrice,
    saleStartsAt: instant(item.saleStartsAt, before?.saleStartsAt),
    saleEndsAt: instant(item.saleEndsAt, before?.saleEndsAt),
    promoBannerText:
      item.promoBannerText === undefined ? (before?.promoBannerText ?? null) : item.promoBannerText || null,
  };
}

function ruleIssues(item: StoreProductPriceInput, values: repo.StorePriceValues, store: Store): Issue[] {
  const issues: Issue[] = [];
  if (item.currency !== undefined && item.currency !== store.currency) {
    issues.push({
      code: 'rule_violated',
      field: 'currency',
      message: `store ${store.storeId} sells in ${store.currency}, not ${item.currency}; give prices in ${store.currency} or leave currency out`,
    });
  }
  const { saleStartsAt: start, saleEndsAt: end } = values;
  if (start && end && start.getTime() >= end.getTime()) {
    const stored =
      item.saleStartsAt === undefined || item.saleEndsAt === undefined
        ? ' (one bound is the stored one)'
        : '';
    issues.push({
      code: 'validation_failed',
      field: item.saleEndsAt === undefined ? 'saleStartsAt' : 'saleEndsAt',
      message: `the sale must start before it ends, but it would start ${start.toISOString()} and end ${end.toISOString()}${stored}`,
    });
  }
  const banner = values.promoBannerText;
  if (banner !== null && [...banner].length > MAX_BANNER_LENGTH) {
    issues.push({
      code: 'validation_failed',
      field: 'promoBannerText',
      message: `is ${[...banner].length} characters long; a promo banner can have at most ${MAX_BANNER_LENGTH}`,
    });
  }
  return issues;
}

function warnings(
  values: repo.StorePriceValues,
  currency: string,
  product: ProductPricing,
  now: Date,
): string[] {
  const found: string[] = [];
  const list = effectiveListPrice(values.listPrice, currency, product);
  if (values.salePrice !== null && list && values.salePrice > list.price) {
    const whose = list.source === 'store' ? "the store's" : "the product's";
    found.push(
      `salePrice: ${formatMoney(values.salePrice, currency)} is above ${whose} list price ` +
        `${formatMoney(list.price, currency)}, so shoppers pay more during the sale`,
    );
  }
  if (values.salePrice === null && (values.saleStartsAt || values.saleEndsAt)) {
    found.push('salePrice: a sale window is set but there is no salePrice, so no sale applies');
  }
  if (values.salePrice !== null && values.saleEndsAt && values.saleEndsAt.getTime() <= now.getTime()) {
    found.push(
      `saleEndsAt: the sale ended ${values.saleEndsAt.toISOString()}, so salePrice no longer applies`,
    );
  }
  return found;
}

function problemOf(issues: Issue[]): Problem {
  const detail = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return new Problem(issues[0]?.code ?? 'validation_failed', detail, {
    errors: issues.map(({ field, message }) => ({ field, message })),
  });
}

function outcome(
  item: Accepted,
  status: 'created' | 'updated' | 'unchanged',
  price: StorePrice,
): ItemResult<StorePrice> {
  return {
    index: item.index,
    id: item.id,
    status,
    item: price,
    ...(item.warnings.length > 0 ? { warnings: item.warnings } : {}),
  };
}
