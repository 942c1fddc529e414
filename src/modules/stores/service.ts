import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { NewStore, Store, StoreListQuery, StoreUpdate } from './schemas.ts';

function toStore(row: repo.StoreRow): Store {
  return {
    storeId: row.storeId,
    name: row.name,
    type: row.type,
    ...(row.address ? { address: row.address } : {}),
    timezone: row.timezone,
    currency: row.currency,
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
    active: row.active,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(storeId: string): Problem {
  return new Problem('not_found', `No store has storeId "${storeId}".`);
}

export async function createStore(ctx: Ctx, input: NewStore): Promise<Store> {
  const row = await repo.insertStore(
    ctx.tx,
    ctx.tenantId,
    {
      storeId: input.storeId,
      name: input.name,
      type: input.type,
      address: input.address ?? null,
      timezone: input.timezone,
      currency: input.currency,
      phone: input.phone ?? null,
      email: input.email ?? null,
      active: input.active,
    },
    ctx.now(),
  );
  if (!row) {
    throw new Problem(
      'already_exists',
      `A store with storeId "${input.storeId}" already exists; use PUT to change it.`,
    );
  }
  const store = toStore(row);
  await emit(ctx, { type: 'store.created', subject: store.storeId, data: { store } });
  return store;
}

export async function getStore(ctx: Ctx, storeId: string): Promise<Store> {
  const row = await repo.findStore(ctx.tx, storeId);
  if (!row) throw notFound(storeId);
  return toStore(row);
}

const updatable = ['name', 'type', 'address', 'timezone', 'currency', 'phone', 'email', 'active'] as const;

/** Applies the fields present in the update; emits `store.updated` naming the fields that really changed. */
export async function updateStore(ctx: Ctx, update: StoreUpdate): Promise<Store> {
  const current = await repo.findStore(ctx.tx, update.storeId, { lock: true });
  if (!current) throw notFound(update.storeId);
  const { next, changed } = applyChanges(current, update, updatable);
  if (changed.length === 0) return toStore(current);
  const store = toStore(await repo.updateStoreRow(ctx.tx, update.storeId, next, ctx.now()));
  await emit(ctx, { type: 'store.updated', subject: store.storeId, data: { store, changed } });
  return store;
}

export async function listStores(ctx: Ctx, query: StoreListQuery): Promise<Page<Store>> {
  const after = query.cursor ? decodeCursor(query.cursor)[0] : undefined;
  const rows = await repo.listStoreRows(ctx.tx, {
    type: query.type,
    active: query.active,
    afterStoreId: after === undefined ? undefined : String(after),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => [row.storeId], toStore);
}

/** The storeIds, of those given, that name no store of the tenant (active or not), in the order given. */
export async function missingStoreIds(ctx: Ctx, storeIds: readonly string[]): Promise<string[]> {
  if (storeIds.length === 0) return [];
  const existing = new Set(await repo.existingStoreIds(ctx.tx, storeIds));
  return storeIds.filter((storeId) => !existing.has(storeId));
}

/** The stores among these ids (active or not), by storeId; for other modules (prices, stock). */
export async function findStores(ctx: Ctx, storeIds: readonly string[]): Promise<Map<string, Store>> {
  const rows = await repo.findStoreRows(ctx.tx, [...new Set(storeIds)]);
  return new Map(rows.map((row) => [row.storeId, toStore(row)]));
}
