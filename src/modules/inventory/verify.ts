import type { Ctx } from '../../platform/context.ts';
import {
  balanceCount,
  type LedgerMismatch,
  ledgerMismatches,
  type ReservationMismatch,
  reservationMismatches,
} from './verify-repo.ts';

export type { LedgerMismatch, ReservationMismatch } from './verify-repo.ts';

export interface InventoryVerification {
  balancesChecked: number;
  ledgerMismatches: LedgerMismatch[];
  reservationMismatches: ReservationMismatch[];
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
  };
}
