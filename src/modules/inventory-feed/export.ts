import { stringify } from 'csv-stringify/sync';
import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx, Platform } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { asSystem } from '../../platform/system-context.ts';
import { listStoreStock, type StockLevel } from '../inventory/service.ts';
import { missingStoreIds } from '../stores/service.ts';

/** The columns of an inventory export; an import reads storeId, productId, onHand, damaged and skips the rest. */
export const EXPORT_COLUMNS = [
  'storeId',
  'productId',
  'onHand',
  'reserved',
  'available',
  'damaged',
  'inTransit',
  'status',
] as const;
export const EXPORT_LINK_TTL_MS = 15 * 60_000;
export const DOWNLOAD_PATH = '/downloads/v1/inventory';
const LINK_PURPOSE = 'inventory-export';
const PAGE_ROWS = 2_000;

async function requireStore(ctx: Ctx, storeId: string): Promise<void> {
  if ((await missingStoreIds(ctx, [storeId])).length > 0) {
    throw new Problem('not_found', `No store has storeId ${storeId}.`);
  }
}

/**
 * A link to the store's inventory as CSV. The link carries its own permission: a token signed with the
 * server's keys, naming the tenant and the store, valid for 15 minutes. Whoever holds it can download that
 * one file until then, and nothing else.
 */
export async function inventoryExportLink(
  ctx: Ctx,
  platform: Platform,
  storeId: string,
  baseUrl: string,
): Promise<{ url: string; expiresAt: number }> {
  await requireStore(ctx, storeId);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_TTL_MS);
  const token = await platform.tokens.issueLinkToken(
    LINK_PURPOSE,
    { tid: ctx.tenantId, store: storeId, sub: principalKey(ctx.principal) },
    expiresAt,
    now,
  );
  const url = `${baseUrl}${DOWNLOAD_PATH}/${encodeURIComponent(storeId)}?token=${token}`;
  return { url, expiresAt: expiresAt.getTime() };
}

/** The tenant a download link was issued for, or 401 when the token is forged, expired or for another store. */
export async function tenantOfExportLink(
  platform: Platform,
  storeId: string,
  token: string,
): Promise<string> {
  const claims = await platform.tokens.verifyLinkToken(LINK_PURPOSE, token, platform.now());
  if (!claims || claims.store !== storeId || typeof claims.tid !== 'string') {
    throw new Problem(
      'invalid_token',
      'This download link is not valid or has expired; GET /merchant/v1/storeproducts/inventory/{storeId} gives a new one.',
    );
  }
  await asSystem(platform, claims.tid, 'inventory-export', (ctx) => requireStore(ctx, storeId));
  return claims.tid;
}

function rowOf(level: StockLevel): (string | number)[] {
  return [
    level.storeId,
    level.productId,
    level.onHand,
    level.reserved,
    level.available,
    level.buckets.damaged ?? 0,
    level.buckets.in_transit ?? 0,
    level.status,
  ];
}

/**
 * The store's inventory as CSV, in productId order, a page per transaction so that a slow download holds no
 * transaction open. It is what `import inventory` reads: importing it again changes nothing.
 */
export async function* inventoryCsv(
  platform: Platform,
  tenantId: string,
  storeId: string,
): AsyncGenerator<string> {
  yield stringify([[...EXPORT_COLUMNS]]);
  let after: string | undefined;
  for (;;) {
    const page = await asSystem(platform, tenantId, 'inventory-export', (ctx) =>
      listStoreStock(ctx, storeId, { afterProductId: after, limit: PAGE_ROWS }),
    );
    if (page.length > 0) yield stringify(page.map(rowOf));
    const last = page.at(-1);
    if (page.length < PAGE_ROWS || !last) return;
    after = last.productId;
  }
}
