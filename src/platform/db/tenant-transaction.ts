import { sql, type Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

export type Tx = Transaction<Database>;

/** The role the application's tenant transactions run as: not the tables' owner, so row-level security applies. */
export const APP_ROLE = 'backroom_app';

export interface TenantTransactionOptions {
  statementTimeoutMs?: number;
}

/**
 * Runs `work` in one transaction that can only see and write rows of `tenantId`.
 * The role switch and the tenant setting are transaction-local, so they are safe behind PgBouncer in
 * transaction mode and vanish at commit or rollback.
 */
export function inTenantTransaction<T>(
  db: Db,
  tenantId: string,
  work: (tx: Tx) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  const timeout = `${options.statementTimeoutMs ?? 10_000}ms`;
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('role', ${APP_ROLE}, true), set_config('backroom.tenant_id', ${tenantId}, true),
      set_config('statement_timeout', ${timeout}, true)`.execute(tx);
    return work(tx);
  });
}
