import { type Generated, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface CategoriesTable {
  tenantId: string;
  categoryId: string;
  name: string;
  /** Null for a department, the top of the tree. */
  parentId: string | null;
  position: Generated<number>;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type CategoryRow = Omit<Selectable<CategoriesTable>, 'tenantId'>;

export type CategoryValues = Omit<CategoryRow, 'createdAt' | 'updatedAt'>;

const columns = ['categoryId', 'name', 'parentId', 'position', 'active', 'createdAt', 'updatedAt'] as const;

/** Recursion stops here even if the stored tree were damaged into a cycle. */
const RECURSION_LIMIT = 64;

/**
 * Serialises the tenant's category writes until the transaction ends, so that two concurrent moves cannot
 * make a cycle and a move cannot race a create past the depth limit.
 */
export async function lockCategoryTree(tx: Tx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`categories:${tenantId}`}))`.execute(tx);
}

/** Inserts the category, or returns undefined when the tenant already has one with that categoryId. */
export function insertCategory(tx: Tx, tenantId: string, values: CategoryValues, now: Date) {
  return tx
    .insertInto('categories')
    .values({ ...values, tenantId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'categoryId']).doNothing())
    .returning(columns)
    .executeTakeFirst();
}

export function findCategory(tx: Tx, categoryId: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('categories').select(columns).where('categoryId', '=', categoryId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function updateCategoryRow(tx: Tx, categoryId: string, values: CategoryValues, now: Date) {
  return tx
    .updateTable('categories')
    .set({ ...values, updatedAt: now })
    .where('categoryId', '=', categoryId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export interface CategoryFilter {
  /** Null: departments only; a string: the children of that category; undefined: every category. */
  parentId?: string | null | undefined;
  active?: boolean | undefined;
  after?: { position: number; categoryId: string } | { categoryId: string } | undefined;
  limit: number;
}

/** Siblings (a parent or departments given) come in their position order; the whole tree by categoryId. */
export function listCategoryRows(tx: Tx, filter: CategoryFilter) {
  let query = tx.selectFrom('categories').select(columns).limit(filter.limit);
  if (filter.parentId === null) query = query.where('parentId', 'is', null);
  if (typeof filter.parentId === 'string') query = query.where('parentId', '=', filter.parentId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  const after = filter.after;
  if (filter.parentId === undefined) {
    if (after) query = query.where('categoryId', '>', after.categoryId);
    return query.orderBy('categoryId').execute();
  }
  if (after && 'position' in after) {
    query = query.where((eb) =>
      eb(eb.refTuple('position', 'categoryId'), '>', eb.tuple(after.position, after.categoryId)),
    );
  }
  return query.orderBy('position').orderBy('categoryId').execute();
}

export interface LineageRow {
  /** The category whose lineage this row belongs to. */
  startId: string;
  categoryId: string;
  active: boolean;
  /** 0 for the start category itself, 1 for its parent, 2 for the grandparent, … */
  level: number;
}

/** Each given category and every ancestor above it; unknown ids have no rows. */
export async function findLineages(tx: Tx, categoryIds: readonly string[]): Promise<LineageRow[]> {
  if (categoryIds.length === 0) return [];
  return tx
    .withRecursive('lineage(startId, categoryId, parentId, active, level)', (db) =>
      db
        .selectFrom('categories')
        .select(['categoryId as startId', 'categoryId', 'parentId', 'active', sql<number>`0`.as('level')])
        .where('categoryId', 'in', categoryIds)
        .unionAll((db) =>
          db
            .selectFrom('lineage')
            .innerJoin('categories', 'categories.categoryId', 'lineage.parentId')
            .select([
              'lineage.startId',
              'categories.categoryId',
              'categories.parentId',
              'categories.active',
              sql<number>`lineage.level + 1`.as('level'),
            ])
            .where('lineage.level', '<', RECURSION_LIMIT),
        ),
    )
    .selectFrom('lineage')
    .select(['startId', 'categoryId', 'active', 'level'])
    .orderBy('startId')
    .orderBy('level')
    .execute();
}

/** The category and everything under it, with each one's level below it (0 for itself); empty if unknown. */
export function findSubtree(tx: Tx, categoryId: string) {
  return tx
    .withRecursive('subtree(categoryId, level)', (db) =>
      db
        .selectFrom('categories')
        .select(['categoryId', sql<number>`0`.as('level')])
        .where('categoryId', '=', categoryId)
        .unionAll((db) =>
          db
            .selectFrom('subtree')
            .innerJoin('categories', 'categories.parentId', 'subtree.categoryId')
            .select(['categories.categoryId', sql<number>`subtree.level + 1`.as('level')])
            .where('subtree.level', '<', RECURSION_LIMIT),
        ),
    )
    .selectFrom('subtree')
    .select(['categoryId', 'level'])
    .orderBy('level')
    .orderBy('categoryId')
    .execute();
}

export function findCategoryStates(tx: Tx, categoryIds: readonly string[]) {
  if (categoryIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('categories')
    .select(['categoryId', 'active'])
    .where('categoryId', 'in', categoryIds)
    .execute();
}
