import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

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

/** Balances that differ from the sum of their ledger movements (a bucket with no row counts as 0). */
export async function ledgerMismatches(tx: Tx): Promise<LedgerMismatch[]> {
  const { rows } = await sql<LedgerMismatch>`
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
    order by 1, 2, 3`.execute(tx);
  return rows;
}

/** How many balances there are: on hand and reserved of every level, and every other bucket. */
export async function balanceCount(tx: Tx): Promise<number> {
  const { rows } = await sql<{ balances: number }>`
    select (select count(*) * 2 from stock_levels) + (select count(*) from stock_bucket_levels) as balances
  `.execute(tx);
  return rows[0]?.balances ?? 0;
}

/** Reserved balances that differ from what the active reservations hold. */
export async function reservationMismatches(tx: Tx): Promise<ReservationMismatch[]> {
  const { rows } = await sql<ReservationMismatch>`
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
    order by 1, 2`.execute(tx);
  return rows;
}

export interface Overcommitment {
  storeId: string;
  productId: string;
  onHand: number;
  reserved: number;
}

/** Pairs holding more for reservations than is on hand (after shrinkage or a recount found less). */
export async function overcommitments(tx: Tx): Promise<Overcommitment[]> {
  const { rows } = await sql<Overcommitment>`
    select store_id as "storeId", product_id as "productId", on_hand as "onHand", reserved
    from stock_levels where reserved > on_hand
    order by store_id, product_id`.execute(tx);
  return rows;
}
