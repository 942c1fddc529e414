import type { JSONColumnType, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

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
