import { type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { TransferStatus, TransferType } from './schemas.ts';

export interface StockTransfersTable {
  tenantId: string;
  transferId: string;
  type: TransferType;
  fromStoreId: string;
  toStoreId: string | null;
  vendor: string | null;
  status: TransferStatus;
  reason: string | null;
  note: string | null;
  expectedAt: Date | null;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  shippedAt: Date | null;
  receivedAt: Date | null;
  cancelledAt: Date | null;
}

export interface StockTransferLinesTable {
  tenantId: string;
  transferId: string;
  productId: string;
  quantity: number;
  shippedQuantity: number;
  receivedQuantity: number | null;
}

const transferColumns = [
  'transferId',
  'type',
  'fromStoreId',
  'toStoreId',
  'vendor',
  'status',
  'reason',
  'note',
  'expectedAt',
  'createdAt',
  'updatedAt',
  'shippedAt',
  'receivedAt',
  'cancelledAt',
] as const;
const lineColumns = ['productId', 'quantity', 'shippedQuantity', 'receivedQuantity'] as const;

export type TransferRow = Omit<Selectable<StockTransfersTable>, 'tenantId' | 'createdBy'>;
export type TransferLineRow = Omit<Selectable<StockTransferLinesTable>, 'tenantId' | 'transferId'>;

export interface NewTransferValues {
  transferId: string;
  type: TransferType;
  fromStoreId: string;
  toStoreId: string | null;
  vendor: string | null;
  reason: string | null;
  note: string | null;
  createdBy: string;
  lines: { productId: string; quantity: number }[];
}

/** Inserts the transfer and its lines, or returns undefined when the tenant already has that transferId. */
export async function insertTransfer(
  tx: Tx,
  tenantId: string,
  values: NewTransferValues,
  now: Date,
): Promise<TransferRow | undefined> {
  const { lines, ...header } = values;
  const row = await tx
    .insertInto('stockTransfers')
    .values({ ...header, tenantId, status: 'created', createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'transferId']).doNothing())
    .returning(transferColumns)
    .executeTakeFirst();
  if (!row) return undefined;
  await tx
    .insertInto('stockTransferLines')
    .values(lines.map((line) => ({ ...line, tenantId, transferId: values.transferId, shippedQuantity: 0 })))
    .execute();
  return row;
}

/** The transfer; with `lock`, its row stays locked until the transaction ends, so its changes take turns. */
export function findTransfer(
  tx: Tx,
  transferId: string,
  options: { lock?: boolean } = {},
): Promise<TransferRow | undefined> {
  const query = tx.selectFrom('stockTransfers').select(transferColumns).where('transferId', '=', transferId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function transferLines(tx: Tx, transferId: string): Promise<TransferLineRow[]> {
  return tx
    .selectFrom('stockTransferLines')
    .select(lineColumns)
    .where('transferId', '=', transferId)
    .orderBy('productId')
    .execute();
}

/** Marks every line as shipped in full. */
export async function shipAllLines(tx: Tx, transferId: string): Promise<void> {
  await tx
    .updateTable('stockTransferLines')
    .set((eb) => ({ shippedQuantity: eb.ref('quantity') }))
    .where('transferId', '=', transferId)
    .execute();
}

/** Records what arrived of the given lines. */
export async function setReceivedQuantities(
  tx: Tx,
  transferId: string,
  received: { productId: string; receivedQuantity: number }[],
): Promise<void> {
  await sql`
    update stock_transfer_lines as line
    set received_quantity = receipt."receivedQuantity"
    from jsonb_to_recordset(${JSON.stringify(received)}::jsonb) as receipt ("productId" text, "receivedQuantity" bigint)
    where line.transfer_id = ${transferId} and line.product_id = receipt."productId"`.execute(tx);
}

export interface TransferChange {
  status: TransferStatus;
  expectedAt?: Date | null;
  shippedAt?: Date;
  receivedAt?: Date;
  cancelledAt?: Date;
}

export function updateTransfer(
  tx: Tx,
  transferId: string,
  change: TransferChange,
  now: Date,
): Promise<TransferRow> {
  return tx
    .updateTable('stockTransfers')
    .set({ ...change, updatedAt: now })
    .where('transferId', '=', transferId)
    .returning(transferColumns)
    .executeTakeFirstOrThrow();
}
