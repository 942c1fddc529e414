import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export interface AssociatesTable {
  tenantId: string;
  associateId: string;
  employeeNumber: string;
  firstName: string;
  lastName: string;
  email: string | null;
  storeIds: string[];
  role: string;
  pinHash: string | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type AssociateRow = Omit<Selectable<AssociatesTable>, 'tenantId'>;
