import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export interface CatalogImportsTable {
  tenantId: string;
  id: Generated<string>;
  format: 'csv' | 'jsonl';
  source: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  allOrNothing: boolean;
  totalRows: number | null;
  processedRows: Generated<number>;
  createdCount: Generated<number>;
  updatedCount: Generated<number>;
  unchangedCount: Generated<number>;
  failedCount: Generated<number>;
  failure: string | null;
  requestedBy: string;
  createdAt: Timestamp;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CatalogImportErrorsTable {
  tenantId: string;
  importId: string;
  rowNumber: number;
  field: string;
  reason: string;
}
