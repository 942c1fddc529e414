// What other modules may use of inventory: the ledger, levels and expected stock. Everything that changes
// stock goes through postMovements (or a reservation), never through the tables.

import type { Ctx } from '../../platform/context.ts';
import * as repo from './repo.ts';

export { adjustInventory, setInventory } from './adjustments.ts';
/** The key of `stockLevels`' map: `storeId/productId`. */
export { keyOf as stockKey } from './balances.ts';
export { type MovementInput, type PostedMovement, postMovements } from './ledger.ts';
export {
  clearInbound,
  expectInbound,
  listStoreStock,
  listStoreStockExcept,
  lockStockLevels,
  type StockLevel,
  stockLevels,
} from './levels.ts';
export { missingReferences, type NamedReference } from './references.ts';
export {
  commitReservation,
  extendReservation,
  getReservation,
  releaseReservation,
  reserveStock,
} from './reservations.ts';
export { type InventoryVerification, verifyInventory } from './verify.ts';

/** Stock expected at these store/product pairs (shipping notices, transfers), with the earliest date. */
export function inboundStock(ctx: Ctx, keys: readonly repo.StockKey[]) {
  return repo.inboundTotals(ctx.tx, keys);
}
