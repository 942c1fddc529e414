import type { Ctx } from '../../platform/context.ts';
import { Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { getStore, missingStoreIds } from '../stores/service.ts';
import * as repo from './shipping-repo.ts';
import type {
  ShippingMethod,
  ShippingMethodInput,
  ShippingOptions,
  ShippingOptionsQuery,
} from './shipping-schemas.ts';

/** Answers of PUT that created their method, so the route can answer 201 for them and 200 for replacements. */
const createdMethods = new WeakSet<ShippingMethod>();

export function wasCreated(method: ShippingMethod): boolean {
  return createdMethods.has(method);
}

function toShippingMethod(row: repo.ShippingMethodRow): ShippingMethod {
  return {
    methodId: row.methodId,
    name: row.name,
    ...(row.carrier === null ? {} : { carrier: row.carrier }),
    currency: row.currency,
    price: Number(row.price),
    ...(row.freeOver === null ? {} : { freeOver: Number(row.freeOver) }),
    ...(row.minDays === null ? {} : { minDays: row.minDays }),
    ...(row.maxDays === null ? {} : { maxDays: row.maxDays }),
    ...(row.storeIds === null ? {} : { storeIds: row.storeIds }),
    active: row.active,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export async function listShippingMethods(ctx: Ctx): Promise<{ data: ShippingMethod[] }> {
  return { data: (await repo.listShippingMethods(ctx.tx)).map(toShippingMethod) };
}

export async function putShippingMethod(
  ctx: Ctx,
  methodId: string,
  input: ShippingMethodInput,
): Promise<ShippingMethod> {
  if (input.minDays !== undefined && input.maxDays !== undefined && input.maxDays < input.minDays) {
    throwIfFieldErrors('rule_violated', [
      { field: 'body.maxDays', message: 'must not be less than minDays' },
    ]);
  }
  const storeIds = input.storeIds ? [...new Set(input.storeIds)] : null;
  const missing = new Set(await missingStoreIds(ctx, storeIds ?? []));
  throwIfFieldErrors(
    'unknown_reference',
    (input.storeIds ?? []).flatMap((storeId, index) =>
      missing.has(storeId) ? [{ field: `body.storeIds.${index}`, message: 'no store has this storeId' }] : [],
    ),
  );
  const { inserted, ...row } = await repo.upsertShippingMethod(
    ctx.tx,
    ctx.tenantId,
    methodId,
    {
      name: input.name,
      carrier: input.carrier ?? null,
      currency: input.currency,
      price: input.price,
      freeOver: input.freeOver ?? null,
      minDays: input.minDays ?? null,
      maxDays: input.maxDays ?? null,
      storeIds,
      active: input.active,
    },
    ctx.now(),
  );
  const method = toShippingMethod(row);
  if (inserted) createdMethods.add(method);
  return method;
}

export async function deleteShippingMethod(ctx: Ctx, methodId: string): Promise<ShippingMethod> {
  const row = await repo.deleteShippingMethod(ctx.tx, methodId);
  if (!row) throw new Problem('not_found', `No shipping method has methodId "${methodId}".`);
  return toShippingMethod(row);
}

/** What a cart of this subtotal at this store may ship by, and what it pays: cheapest first. */
export async function shippingOptions(ctx: Ctx, query: ShippingOptionsQuery): Promise<ShippingOptions> {
  const store = await getStore(ctx, query.storeId);
  const methods = (await repo.methodsForStore(ctx.tx, store.storeId, store.currency)).map(toShippingMethod);
  const options = methods.map((method) => ({
    methodId: method.methodId,
    name: method.name,
    ...(method.carrier === undefined ? {} : { carrier: method.carrier }),
    price: method.freeOver !== undefined && query.subtotal >= method.freeOver ? 0 : method.price,
    listPrice: method.price,
    ...(method.freeOver === undefined ? {} : { freeOver: method.freeOver }),
    ...(method.minDays === undefined ? {} : { minDays: method.minDays }),
    ...(method.maxDays === undefined ? {} : { maxDays: method.maxDays }),
  }));
  options.sort(
    (a, b) => a.price - b.price || a.name.localeCompare(b.name) || (a.methodId < b.methodId ? -1 : 1),
  );
  return { storeId: store.storeId, currency: store.currency, subtotal: query.subtotal, data: options };
}
