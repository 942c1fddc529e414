import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { TaxRatesTable } from './tables.ts';

export type TaxRateRow = Selectable<TaxRatesTable>;

export interface TaxRateValues {
  name: string;
  taxClass: string | null;
  ratePpm: number;
  appliesToShipping: boolean;
}

export function storeTaxRates(tx: Tx, storeId: string) {
  return tx
    .selectFrom('taxRates')
    .selectAll()
    .where('storeId', '=', storeId)
    .orderBy('name')
    .orderBy(sql`coalesce(tax_class, '')`)
    .execute();
}

/** Holds, until the transaction ends, the right to replace this store's rates, so two replacements queue. */
export async function lockStoreTaxRates(tx: Tx, tenantId: string, storeId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(71::integer, hashtext(${`${tenantId}:${storeId}`}))`.execute(tx);
}

export async function replaceStoreTaxRates(
  tx: Tx,
  tenantId: string,
  storeId: string,
  rates: readonly TaxRateValues[],
  now: Date,
): Promise<void> {
  await tx.deleteFrom('taxRates').where('storeId', '=', storeId).execute();
  if (rates.length === 0) return;
  await tx
    .insertInto('taxRates')
    .values(rates.map((rate) => ({ ...rate, tenantId, storeId, createdAt: now })))
    .execute();
}
