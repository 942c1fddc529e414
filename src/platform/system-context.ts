import type { Ctx, Platform } from './context.ts';
import { inTenantTransaction } from './db/tenant-transaction.ts';

/** Runs work as Backroom itself (CLI, seed, tasks) inside a tenant transaction. */
export function asSystem<T>(
  platform: Platform,
  tenantId: string,
  actor: string,
  work: (ctx: Ctx) => Promise<T>,
  requestId = `${actor}:${Date.now()}`,
): Promise<T> {
  return inTenantTransaction(platform.db, tenantId, (tx) =>
    work({
      tenantId,
      principal: { kind: 'system', id: actor, tenantId, scopes: [], limits: { perSecond: 0, perDay: 0 } },
      tx,
      requestId,
      now: platform.now,
      platform,
    }),
  );
}
