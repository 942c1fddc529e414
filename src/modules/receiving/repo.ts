import { type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { AsnStatus } from './schemas.ts';

export interface AsnsTable {
  tenantId: string;
  asnId: string;
  storeId: string;
  supplier: string | null;
  expectedAt: Date;
  status: AsnStatus;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  endedAt: Date | null;
}

export interface AsnLinesTable {
  tenantId: string;
  asnId: string;
  productId: string;
  expectedQuantity: number;
  receivedQuantity: number;
  damagedQuantity: number;
}

const asnColumns = [
  'asnId',
  'storeId',
  'supplier',
  'expectedAt',
  'status',
  'createdAt',
  'updatedAt',
  'endedAt',
] as const;
const lineColumns = ['productId', 'expectedQuantity', 'receivedQuantity', 'damagedQuantity'] as const;

export type AsnRow = Omit<Selectable<AsnsTable>, 'tenantId' | 'createdBy'>;
export type AsnLineRow = Omit<Selectable<AsnLinesTable>, 'tenantId' | 'asnId'>;

export interface NewAsnValues {
  asnId: string;
  storeId: string;
  supplier: string | null;
  expectedAt: Date;
  createdBy: string;
  lines: { productId: string; expectedQuantity: number }[];
}

/** Inserts the ASN and its lines, or returns undefined when the tenant already has one with that asnId. */
export async function insertAsn(
  tx: Tx,
  tenantId: string,
  values: NewAsnValues,
  now: Date,
): Promise<AsnRow | undefined> {
  const { lines, ...header } = values;
  const row = await tx
    .insertInto('asns')
    .values({ ...header, tenantId, status: 'open', createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'asnId']).doNothing())
    .returning(asnColumns)
    .executeTakeFirst();
  if (!row) return undefined;
  await tx
    .insertInto('asnLines')
    .values(
      lines.map((line) => ({
        ...line,
        tenantId,
        asnId: values.asnId,
        receivedQuantity: 0,
        damagedQuantity: 0,
      })),
    )
    .execute();
  return row;
}

/** The ASN; with `lock`, its row stays locked until the transaction ends, so receipts of one ASN take turns. */
export function findAsn(
  tx: Tx,
  asnId: string,
  options: { lock?: boolean } = {},
): Promise<AsnRow | undefined> {
  const query = tx.selectFrom('asns').select(asnColumns).where('asnId', '=', asnId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function asnLines(tx: Tx, asnId: string): Promise<AsnLineRow[]> {
  return tx
    .selectFrom('asnLines')
    .select(lineColumns)
    .where('asnId', '=', asnId)
    .orderBy('productId')
    .execute();
}

/** Adds received (and damaged) units to lines of the ASN, in one statement. */
export async function addReceivedQuantities(
  tx: Tx,
  asnId: string,
  receipts: { productId: string; quantity: number; damagedQuantity: number }[],
): Promise<void> {
  await sql`
    update asn_lines as line
    set received_quantity = line.received_quantity + receipt.quantity,
        damaged_quantity = line.damaged_quantity + receipt."damagedQuantity"
    from jsonb_to_recordset(${JSON.stringify(receipts)}::jsonb)
      as receipt ("productId" text, quantity bigint, "damagedQuantity" bigint)
    where line.asn_id = ${asnId} and line.product_id = receipt."productId"`.execute(tx);
}

export function setAsnStatus(
  tx: Tx,
  asnId: string,
  status: AsnStatus,
  now: Date,
  endedAt: Date | null,
): Promise<AsnRow> {
  return tx
    .updateTable('asns')
    .set({ status, updatedAt: now, endedAt })
    .where('asnId', '=', asnId)
    .returning(asnColumns)
    .executeTakeFirstOrThrow();
}
