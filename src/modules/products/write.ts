import type { Ctx } from '../../platform/context.ts';
import { emitMany } from '../../platform/events/emit.ts';
import { type BulkResult, failedItem, type ItemResult, summarise } from '../../platform/http/bulk.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { batchErrors, type Candidate } from './checks.ts';
import { changedFields, toProduct, valuesOfNew, valuesOfUpdate } from './mapping.ts';
import * as repo from './repo.ts';
import { sanitizeDescription } from './sanitize.ts';
import type { NewProduct, Product, ProductUpdate } from './schemas.ts';

/** create: new products only; update: existing products only; upsert: either (catalog feeds). */
export type WriteRequest =
  | { mode: 'create'; items: readonly NewProduct[] }
  | { mode: 'update'; items: readonly ProductUpdate[] }
  | { mode: 'upsert'; items: readonly NewProduct[] };

interface Prepared extends Candidate {
  before: repo.ProductRow | undefined;
  warnings: string[];
}

/**
 * Writes a batch of products set-wise: one lock-and-read, a few validation queries, one write and one event
 * insert, whatever the batch size. Products that fail a rule are reported and left out; products whose values
 * did not change are reported `unchanged` and not written, so a repeated feed changes nothing.
 */
export async function writeProducts(
  ctx: Ctx,
  request: WriteRequest,
  allOrNothing: boolean,
): Promise<BulkResult<Product>> {
  await repo.lockCatalogWrites(ctx.tx);
  const results: ItemResult<Product>[] = [];
  const ids = request.items.map((item) => item.productId);
  const existing = new Map(
    (await repo.findProductRows(ctx.tx, [...new Set(ids)], { lock: true })).map((row) => [
      row.productId,
      row,
    ]),
  );
  const prepared: Prepared[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of request.items.entries()) {
    const first = seen.get(item.productId);
    if (first !== undefined) {
      results.push(
        failed(
          index,
          item.productId,
          'validation_failed',
          `productId appears twice in this call, first at item ${first}`,
          'productId',
        ),
      );
      continue;
    }
    seen.set(item.productId, index);
    const before = existing.get(item.productId);
    const live = before && !before.deletedAt ? before : undefined;
    if (request.mode === 'create' && live) {
      results.push(
        failed(
          index,
          item.productId,
          'already_exists',
          `product "${item.productId}" already exists; use PUT to change it`,
        ),
      );
      continue;
    }
    if (request.mode === 'update' && !live) {
      results.push(
        failed(index, item.productId, 'not_found', `no product has productId "${item.productId}"`),
      );
      continue;
    }
    const values =
      live && request.mode === 'update'
        ? valuesOfUpdate(live, item as ProductUpdate)
        : valuesOfNew(item as NewProduct);
    prepared.push({ index, before: live, ...withCleanDescription(values) });
  }
  const errors = await batchErrors(ctx, prepared);
  const toWrite: Prepared[] = [];
  for (const candidate of prepared) {
    const problems = errors.get(candidate.index);
    if (problems) results.push(failedWith(candidate.index, candidate.values.productId, problems));
    else toWrite.push(candidate);
  }
  const failures = results.length;
  if (allOrNothing && failures > 0) return summarise(results, true, 'products');
  await writeChanged(ctx, toWrite, results);
  return summarise(results, allOrNothing, 'products');
}

async function writeChanged(ctx: Ctx, candidates: Prepared[], results: ItemResult<Product>[]) {
  const changes = new Map<string, { candidate: Prepared; changed: string[] }>();
  for (const candidate of candidates) {
    const changed = candidate.before ? changedFields(candidate.before, candidate.values) : [];
    if (candidate.before && changed.length === 0) {
      results.push(outcome(candidate, 'unchanged', toProduct(candidate.before)));
    } else changes.set(candidate.values.productId, { candidate, changed });
  }
  const written = await repo.writeProductRows(
    ctx.tx,
    ctx.tenantId,
    [...changes.values()].map(({ candidate }) => candidate.values),
    ctx.now(),
  );
  const events = [];
  for (const row of written) {
    const change = changes.get(row.productId);
    if (!change) continue;
    const product = toProduct(row);
    const created = !change.candidate.before;
    results.push(outcome(change.candidate, created ? 'created' : 'updated', product));
    events.push(
      created
        ? { type: 'product.created', subject: row.productId, data: { product } }
        : { type: 'product.updated', subject: row.productId, data: { product, changed: change.changed } },
    );
  }
  await emitMany(ctx, events);
}

function withCleanDescription(values: repo.ProductValues): {
  values: repo.ProductValues;
  warnings: string[];
} {
  if (values.descriptionHtml === null) return { values, warnings: [] };
  const { html, changed } = sanitizeDescription(values.descriptionHtml);
  return {
    values: { ...values, descriptionHtml: html === '' ? null : html },
    warnings: changed ? ['description: removed scripts, event handlers or other unsafe HTML'] : [],
  };
}

function outcome(
  candidate: Prepared,
  status: 'created' | 'updated' | 'unchanged',
  item: Product,
): ItemResult<Product> {
  return {
    index: candidate.index,
    id: candidate.values.productId,
    status,
    item,
    ...(candidate.warnings.length > 0 ? { warnings: candidate.warnings } : {}),
  };
}

function failed(
  index: number,
  id: string,
  code: 'validation_failed' | 'already_exists' | 'not_found',
  detail: string,
  field?: string,
) {
  return failedItem(
    index,
    id,
    new Problem(code, detail, field ? { errors: [{ field, message: detail }] } : {}),
  );
}

function failedWith(index: number, id: string, errors: FieldError[]) {
  const detail = errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  return failedItem(index, id, new Problem('validation_failed', detail, { errors }));
}
