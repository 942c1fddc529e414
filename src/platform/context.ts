import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Principal, TokenService } from './auth/tokens.ts';
import type { Db } from './db/database.ts';
import type { Tx } from './db/tenant-transaction.ts';

/** What every service call receives first: who is asking, for which tenant, inside which transaction. */
export interface Ctx {
  tenantId: string;
  principal: Principal;
  tx: Tx;
  requestId: string;
  now(): Date;
  platform: Platform;
  /**
   * Runs `work` once this transaction has ended, committed or not, on a connection of its own: for records
   * that must outlive a rollback (an SPI failure) without asking the pool for a second connection meanwhile.
   */
  afterTransaction(work: () => Promise<void>): void;
}

/** The long-lived parts of a running Backroom that routes and tasks are built from. */
export interface Platform {
  db: Db;
  config: Config;
  tokens: TokenService;
  now(): Date;
  /** For background work that has no request to log with. */
  log: Logger;
}
