import type { Ctx } from '../../platform/context.ts';
import {
  balanceCount,
  type LedgerMismatch,
  ledgerMismatches,
  type Overcommitment,
  overcommitments,
  type ReservationMismatch,
  reservationMismatches,
} from './verify-repo.ts';

export type { LedgerMismatch, Overcommitment, ReservationMismatch } from './verify-repo.ts';

export interface InventoryVerification {
  balancesChecked: number;
  ledgerMismatches: LedgerMismatch[];
  reservationMismatches: ReservationMismatch[];
  /**
   * Not a failure of the ledger: stock was lost or miscounted while reserved, so some reservations cannot be
   * filled. Reservations alone can never cause it; the merchant should look.
   */
  overcommitted: Overcommitment[];
}

/**
 * Proves the stock of a tenant is explained: every balance equals the sum of its ledger movements, and the
 * reserved balance of every product at every location equals what its active reservations hold.
 */
export async function verifyInventory(ctx: Ctx): Promise<InventoryVerification> {
  return {
    balancesChecked: await balanceCount(ctx.tx),
    ledgerMismatches: await ledgerMismatches(ctx.tx),
    reservationMismatches: await reservationMismatches(ctx.tx),
    overcommitted: await overcommitments(ctx.tx),
  };
}
