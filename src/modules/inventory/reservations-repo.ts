import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { LevelRow } from './repo.ts';
import { DEFAULT_SETTINGS, type DefaultThresholds } from './settings-repo.ts';
import type { StockReservationsTable } from './tables.ts';

export type ReservationStatus = StockReservationsTable['status'];

export interface ReservationRow {
  reservationId: string;
  storeId: string;
  referenceType: StockReservationsTable['referenceType'];
  referenceId: string;
  status: ReservationStatus;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  lines: { productId: string; quantity: number }[];
}

/**
 * Takes `quantity` of a product at a location into `reserved` if, and only if, that much is available. The
 * condition and the change are one statement on one row: however many transactions race, available stock
 * can only be taken once.
 */
export async function reserveIfAvailable(
  tx: Tx,
  key: { storeId: string; productId: string },
  quantity: number,
  now: Date,
): Promise<{ level: LevelRow; defaults: DefaultThresholds } | undefined> {
  // The merchant's default thresholds come back with the row: a reservation is on the hot path of checkout.
  const { rows } = await sql<
    LevelRow & { defaultLowStockThreshold: number | null; defaultOutOfStockThreshold: number | null }
  >`
    update stock_levels set reserved = reserved + ${quantity}, updated_at = ${now}
    where store_id = ${key.storeId} and product_id = ${key.productId}
      and on_hand - reserved - safety_stock >= ${quantity}
      and exists (select 1 from products p where p.product_id = ${key.productId} and p.deleted_at is null)
    returning store_id as "storeId", product_id as "productId", on_hand as "onHand", reserved,
      safety_stock as "safetyStock", low_stock_threshold as "lowStockThreshold",
      out_of_stock_threshold as "outOfStockThreshold", allow_backorders as "allowBackorders",
      first_received_at as "firstReceivedAt", status, updated_at as "updatedAt",
      (select s.low_stock_threshold from inventory_settings s) as "defaultLowStockThreshold",
      (select s.out_of_stock_threshold from inventory_settings s) as "defaultOutOfStockThreshold"`.execute(
    tx,
  );
  const row = rows[0];
  if (!row) return undefined;
  const { defaultLowStockThreshold, defaultOutOfStockThreshold, ...level } = row;
  return {
    level,
    defaults: {
      lowStockThreshold: defaultLowStockThreshold ?? DEFAULT_SETTINGS.lowStockThreshold,
      outOfStockThreshold: defaultOutOfStockThreshold ?? DEFAULT_SETTINGS.outOfStockThreshold,
    },
  };
}

export interface NewReservation {
  reservationId: string;
  storeId: string;
  referenceType: StockReservationsTable['referenceType'];
  referenceId: string;
  /** null: the merchant's reservation lifetime. */
  expiresInSeconds: number | null;
  createdBy: string;
}

/**
 * Records the reservation with its lines and their `reserved` ledger movements in one statement, and answers
 * when it expires; undefined when the tenant already has a reservation with this id (nothing is written).
 */
export async function insertReservation(
  tx: Tx,
  tenantId: string,
  reservation: NewReservation,
  lines: readonly { productId: string; quantity: number }[],
  now: Date,
): Promise<Date | undefined> {
  const { rows } = await sql<{ expiresAt: Date | null }>`
    with header as (
      insert into stock_reservations (tenant_id, reservation_id, store_id, reference_type, reference_id, status,
        expires_at, created_by, created_at, updated_at)
      values (${tenantId}, ${reservation.reservationId}, ${reservation.storeId}, ${reservation.referenceType},
        ${reservation.referenceId}, 'active', ${now}::timestamptz + make_interval(secs => coalesce(
          ${reservation.expiresInSeconds}::integer, (select reservation_ttl_seconds from inventory_settings),
          ${DEFAULT_SETTINGS.reservationTtlSeconds}::integer)),
        ${reservation.createdBy}, ${now}, ${now})
      on conflict do nothing
      returning reservation_id, expires_at
    ), lines as (
      insert into stock_reservation_lines (tenant_id, reservation_id, store_id, product_id, quantity)
      select ${tenantId}, header.reservation_id, ${reservation.storeId}, l.product_id, l.quantity
      from header, unnest(${lines.map((l) => l.productId)}::text[], ${lines.map((l) => l.quantity)}::bigint[])
        as l (product_id, quantity)
      returning product_id, quantity
    ), moved as (
      insert into stock_movements (tenant_id, store_id, product_id, bucket, quantity, reason, reference_type,
        reference_id, actor, occurred_at)
      select ${tenantId}, ${reservation.storeId}, lines.product_id, 'reserved', lines.quantity, 'reservation',
        'reservation', ${reservation.reservationId}, ${reservation.createdBy}, ${now}
      from lines
      returning 1
    )
    select (select expires_at from header) as "expiresAt", (select count(*) from moved)::int as moved`.execute(
    tx,
  );
  return rows[0]?.expiresAt ?? undefined;
}

const reservationColumns = sql`r.reservation_id as "reservationId", r.store_id as "storeId",
  r.reference_type as "referenceType", r.reference_id as "referenceId", r.status, r.expires_at as "expiresAt",
  r.created_at as "createdAt", r.updated_at as "updatedAt",
  (select coalesce(json_agg(json_build_object('productId', l.product_id, 'quantity', l.quantity)
     order by l.product_id), '[]') from stock_reservation_lines l
   where l.reservation_id = r.reservation_id) as lines`;

export async function findReservation(
  tx: Tx,
  reservationId: string,
  options: { lock?: boolean } = {},
): Promise<ReservationRow | undefined> {
  const { rows } = await sql<ReservationRow>`
    select ${reservationColumns} from stock_reservations r where r.reservation_id = ${reservationId}
    ${options.lock ? sql`for update of r` : sql``}`.execute(tx);
  return rows[0];
}

/**
 * Active reservations past their expiry (at most `limit`, null for all), locked; ones another transaction holds
 * are skipped (it is extending, committing or expiring them). Optionally only those holding stock of these
 * products at these locations.
 */
export async function lockDueReservations(
  tx: Tx,
  now: Date,
  limit: number | null,
  at?: { storeIds: readonly string[]; productIds: readonly string[] },
): Promise<ReservationRow[]> {
  const { rows } = await sql<ReservationRow>`
    select ${reservationColumns} from stock_reservations r
    where r.status = 'active' and r.expires_at <= ${now}
      ${
        at
          ? sql`and exists (select 1 from stock_reservation_lines l where l.reservation_id = r.reservation_id
              and l.store_id = any(${at.storeIds}::text[]) and l.product_id = any(${at.productIds}::text[]))`
          : sql``
      }
    order by r.reservation_id
    ${limit === null ? sql`` : sql`limit ${limit}`}
    for update of r skip locked`.execute(tx);
  return rows;
}

/** The tenants with reservations past their expiry: a platform statement, it sees every tenant. */
export async function tenantsWithDueReservations(db: Db, now: Date): Promise<string[]> {
  const { rows } = await sql<{ tenantId: string }>`
    select distinct tenant_id as "tenantId" from stock_reservations
    where status = 'active' and expires_at <= ${now}`.execute(db);
  return rows.map((row) => row.tenantId);
}

export async function updateReservation(
  tx: Tx,
  reservationIds: readonly string[],
  change: { status?: ReservationStatus; expiresAt?: Date },
  now: Date,
): Promise<void> {
  if (reservationIds.length === 0) return;
  const ended = change.status && change.status !== 'active';
  await tx
    .updateTable('stockReservations')
    .set({ ...change, updatedAt: now, ...(ended ? { endedAt: now } : {}) })
    .where('reservationId', '=', sql<string>`any(${[...reservationIds]}::text[])`)
    .execute();
}
