import { z } from 'zod';
import { merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

export const importParams = z.strictObject({ importId: z.uuid() });
export const importListQuery = z.strictObject({ ...pageQuery });
export const storeParams = z.strictObject({ storeId: merchantKey("The merchant's id of the location.") });

export const inventoryImportSchema = z
  .object({
    importId: z.uuid(),
    status: z
      .enum(['queued', 'running', 'completed', 'failed'])
      .describe(
        '`failed` means the file could not be read (to the end); row errors leave an import `completed`.',
      ),
    totalRows: z
      .number()
      .int()
      .optional()
      .describe('Rows in the file: counted from its lines while running, exact once every row is read.'),
    processedRows: z.number().int(),
    summary: z.object({
      changed: z.number().int().describe('Rows whose quantities differed: each difference is a movement.'),
      unchanged: z.number().int().describe('Rows that already matched the stock: nothing was written.'),
      failed: z.number().int().describe('Rows with errors: they changed nothing.'),
      zeroed: z
        .number()
        .int()
        .describe("Products with stock at one of the file's stores that the file leaves out, set to 0."),
      stores: z.number().int().optional().describe('Stores the file names, once every row is read.'),
    }),
    failure: z.string().optional(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    startedAt: z.number().int().optional(),
    finishedAt: z.number().int().optional(),
  })
  .meta({
    id: 'InventoryImport',
    example: {
      importId: '6f1c7a52-2d7e-4f55-a0c2-1b3f5e9d8a10',
      status: 'completed',
      totalRows: 4,
      processedRows: 4,
      summary: { changed: 2, unchanged: 1, failed: 1, zeroed: 3, stores: 1 },
      createdAt: 1763800000000,
      startedAt: 1763800000100,
      finishedAt: 1763800000700,
    },
  });

export const importErrorSchema = z
  .object({
    rowNumber: z.number().int().describe('The line of the file the row starts on; the header is line 1.'),
    field: z
      .string()
      .describe('The column at fault (`storeId`, `productId`, `onHand`, …); empty for the row.'),
    reason: z.string(),
  })
  .meta({
    id: 'InventoryImportError',
    example: {
      rowNumber: 3,
      field: 'onHand',
      reason: 'must be a whole number from 0 to 1000000000, not "-2"',
    },
  });

export const exportLinkSchema = z
  .object({
    url: z.string().describe('Where to GET the CSV, without credentials; the link itself is the permission.'),
    expiresAt: z.number().int().describe('Epoch milliseconds; after this the link answers 401.'),
  })
  .meta({
    id: 'InventoryExportLink',
    example: {
      url: 'https://backroom.example.com/downloads/v1/inventory/NYC-01?token=eyJhbGciOiJIUzI1NiIs…',
      expiresAt: 1763800900000,
    },
  });

export const downloadQuery = z.strictObject({
  token: z.string().min(1).max(2048).describe('The signed token of the link.'),
});

export type InventoryImport = z.output<typeof inventoryImportSchema>;
export type ImportError = z.output<typeof importErrorSchema>;
