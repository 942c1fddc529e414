import { z } from 'zod';
import { pageQuery } from '../../platform/http/pagination.ts';

export const importParams = z.strictObject({ importId: z.uuid() });

export const catalogImportSchema = z
  .object({
    importId: z.uuid(),
    format: z.enum(['csv', 'jsonl']),
    status: z
      .enum(['queued', 'running', 'completed', 'failed'])
      .describe('`failed` means the file could not be read at all; row errors leave an import `completed`.'),
    totalRows: z.number().int().optional(),
    processedRows: z.number().int(),
    summary: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      failed: z.number().int(),
    }),
    failure: z.string().optional(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    startedAt: z.number().int().optional(),
    finishedAt: z.number().int().optional(),
  })
  .meta({
    id: 'CatalogImport',
    example: {
      importId: '0b9d6f9e-5a4e-4c39-9a0e-7f3f6f0c2b11',
      format: 'csv',
      status: 'completed',
      totalRows: 3,
      processedRows: 3,
      summary: { created: 1, updated: 1, unchanged: 0, failed: 1 },
      createdAt: 1763800000000,
      startedAt: 1763800000100,
      finishedAt: 1763800000900,
    },
  });

export const importErrorSchema = z
  .object({
    rowNumber: z.number().int().describe('The line of the file the row starts on; the CSV header is line 1.'),
    field: z.string().describe('The field at fault, such as `sku` or `attributes.size`; empty for the row.'),
    reason: z.string(),
  })
  .meta({
    id: 'CatalogImportError',
    example: {
      rowNumber: 7,
      field: 'gtins.0',
      reason: 'must be a GTIN-8, UPC-A (12), EAN-13 or GTIN-14 with a valid check digit',
    },
  });

export const importListQuery = z.strictObject({ ...pageQuery });

export const importUploadQuery = z.strictObject({
  format: z
    .enum(['csv', 'jsonl'])
    .optional()
    .describe(
      'Defaults from Content-Type: text/csv is CSV; application/x-ndjson or application/jsonl is JSONL.',
    ),
});

export type CatalogImport = z.output<typeof catalogImportSchema>;
