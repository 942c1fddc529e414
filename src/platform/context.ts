import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Principal, TokenService } from './auth/tokens.ts';
import type { Db } from './db/database.ts';
import type { Tx } from './db/tenant-transaction.ts';

/** Who is asking, for which tenant: what both a Ctx and an OutsideCtx carry. */
interface Caller {
  tenantId: string;
  principal: Principal;
  requestId: string;
  now(): Date;
  platform: Platform;
}

/** What every service call receives first: who is asking, for which tenant, inside which transaction. */
export interface Ctx extends Caller {
  tx: Tx;
}

/**
 * What work outside any transaction receives — a route's `prepare`, an outbound call such as `callSpi`. It
 * holds no connection; work that needs the database opens a short transaction of its own. A Ctx does not fit
 * here (`tx` must be absent), so a call that takes an OutsideCtx cannot be made inside a transaction.
 */
export interface OutsideCtx extends Caller {
  tx?: never;
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
