import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

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
