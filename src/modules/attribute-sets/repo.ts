import type { JSONColumnType, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export type AttributeType = 'text' | 'number' | 'boolean' | 'list';

export interface AttributeDefinition {
  code: string;
  label: string;
  type: AttributeType;
  required: boolean;
  /** The allowed values of a `list` attribute. */
  options?: string[] | undefined;
}

export interface AttributeSetsTable {
  tenantId: string;
  attributeSetId: string;
  name: string;
  attributes: JSONColumnType<AttributeDefinition[], string, string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type AttributeSetRow = Omit<Selectable<AttributeSetsTable>, 'tenantId'>;

export type AttributeSetValues = Omit<AttributeSetRow, 'createdAt' | 'updatedAt'>;

const columns = ['attributeSetId', 'name', 'attributes', 'createdAt', 'updatedAt'] as const;

/** Inserts the attribute set, or returns undefined when the tenant already has one with that id. */
export function insertAttributeSet(tx: Tx, tenantId: string, values: AttributeSetValues, now: Date) {
  return tx
    .insertInto('attributeSets')
    .values({
      ...values,
      attributes: JSON.stringify(values.attributes),
      tenantId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflict((oc) => oc.columns(['tenantId', 'attributeSetId']).doNothing())
    .returning(columns)
    .executeTakeFirst();
}

export function findAttributeSet(tx: Tx, attributeSetId: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('attributeSets').select(columns).where('attributeSetId', '=', attributeSetId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function findAttributeSetRows(tx: Tx, attributeSetIds: readonly string[]) {
  if (attributeSetIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('attributeSets')
    .select(columns)
    .where('attributeSetId', 'in', attributeSetIds)
    .execute();
}

export function updateAttributeSetRow(tx: Tx, attributeSetId: string, values: AttributeSetValues, now: Date) {
  return tx
    .updateTable('attributeSets')
    .set({ ...values, attributes: JSON.stringify(values.attributes), updatedAt: now })
    .where('attributeSetId', '=', attributeSetId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export interface AttributeSetFilter {
  afterAttributeSetId?: string | undefined;
  limit: number;
}

export function listAttributeSetRows(tx: Tx, filter: AttributeSetFilter) {
  let query = tx.selectFrom('attributeSets').select(columns).orderBy('attributeSetId').limit(filter.limit);
  if (filter.afterAttributeSetId) query = query.where('attributeSetId', '>', filter.afterAttributeSetId);
  return query.execute();
}
