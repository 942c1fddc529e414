import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

export interface LedgerMismatch {
  storeId: string;
  productId: string;
  bucket: string;
  ledger: number;
  balance: number;
}

export interface ReservationMismatch {
  storeId: string;
  productId: string;
  reserved: number;
  heldByReservations: number;
}

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
  const { rows: ledger } = await sql<LedgerMismatch>`
    with ledger as (
      select store_id, product_id, bucket, sum(quantity)::bigint as quantity
      from stock_movements group by store_id, product_id, bucket
    ), balances as (
      select store_id, product_id, 'on_hand' as bucket, on_hand as quantity from stock_levels
      union all select store_id, product_id, 'reserved', reserved from stock_levels
      union all select store_id, product_id, bucket, quantity from stock_bucket_levels
    ), compared as (
      select store_id, product_id, bucket, coalesce(l.quantity, 0) as ledger, coalesce(b.quantity, 0) as balance
      from ledger l full join balances b using (store_id, product_id, bucket)
    )
    select store_id as "storeId", product_id as "productId", bucket, ledger, balance
    from compared where ledger <> balance
    order by 1, 2, 3`.execute(ctx.tx);
  const { rows: counted } = await sql<{ balances: number }>`
    select (select count(*) * 2 from stock_levels) + (select count(*) from stock_bucket_levels) as balances
  `.execute(ctx.tx);
  const { rows: reservations } = await sql<ReservationMismatch>`
    with held as (
      select l.store_id, l.product_id, sum(l.quantity)::bigint as quantity
      from stock_reservation_lines l
      join stock_reservations r using (tenant_id, reservation_id)
      where r.status = 'active'
      group by l.store_id, l.product_id
    )
    select s.store_id as "storeId", s.product_id as "productId", s.reserved,
      coalesce(h.quantity, 0) as "heldByReservations"
    from stock_levels s left join held h using (store_id, product_id)
    where s.reserved <> coalesce(h.quantity, 0)
    order by 1, 2`.execute(ctx.tx);
  return {
    balancesChecked: counted[0]?.balances ?? 0,
    ledgerMismatches: ledger,
    reservationMismatches: reservations,
  };
}
