import { sql, type Transaction } from 'kysely';
import { isUuid } from '../uuid.ts';
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
 * transaction mode and vanish at commit or rollback. BEGIN and the settings go to the server as one
 * simple-protocol message, one round trip instead of two, which is why the (checked) values are inlined.
 */
export function inTenantTransaction<T>(
  db: Db,
  tenantId: string,
  work: (tx: Tx) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  if (!isUuid(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
  const timeoutMs = Math.trunc(options.statementTimeoutMs ?? 10_000);
  const begin = sql.raw(
    `begin; select set_config('role', '${APP_ROLE}', true), set_config('backroom.tenant_id', '${tenantId}', true), ` +
      `set_config('statement_timeout', '${timeoutMs}ms', true)`,
  );
  return db.connection().execute(async (connection) => {
    await begin.execute(connection);
    try {
      // The connection is inside the transaction just begun; it is used exactly as Kysely's Transaction would be.
      const result = await work(connection as unknown as Tx);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}
