import { z } from 'zod';
import { epochMillis, merchantKey, productLines } from '../../platform/http/fields.ts';

export const MAX_TRANSFER_LINES = 500;

const transferId = merchantKey("The merchant's own id for the transfer.");
const productId = merchantKey("The merchant's id of the product.");
const quantity = z.number().int().max(1_000_000_000);

export const transferTypeSchema = z
  .enum(['store_to_store', 'return_to_vendor'])
  .describe(
    'store_to_store: to another location, through its in-transit bucket; return_to_vendor: back to a supplier.',
  );

export const transferStatusSchema = z
  .enum(['created', 'shipped', 'received', 'cancelled'])
  .describe(
    'created: not yet shipped, may be cancelled; shipped: left the origin (final for a return to vendor); ' +
      'received: the destination booked what arrived; cancelled: withdrawn before shipping.',
  );

export const newTransferSchema = z
  .strictObject({
    transferId,
    type: transferTypeSchema,
    fromStoreId: merchantKey('The location the stock leaves.'),
    toStoreId: merchantKey('The location the stock goes to (store_to_store only).').optional(),
    vendor: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('The supplier it goes back to (return_to_vendor only).')
      .optional(),
    lines: productLines(
      z.strictObject({ productId, quantity: quantity.min(1, 'must be a whole number of units, at least 1') }),
      MAX_TRANSFER_LINES,
    ),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Why the stock moves: replenishment, defective, …'),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((transfer, context) => {
    if (transfer.type === 'store_to_store') {
      if (!transfer.toStoreId)
        context.addIssue({
          code: 'custom',
          path: ['toStoreId'],
          message: 'is required for a store_to_store transfer',
        });
      if (transfer.toStoreId === transfer.fromStoreId) {
        context.addIssue({ code: 'custom', path: ['toStoreId'], message: 'must differ from fromStoreId' });
      }
      if (transfer.vendor !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['vendor'],
          message: 'is only for a return_to_vendor transfer',
        });
      }
    } else {
      if (!transfer.vendor)
        context.addIssue({
          code: 'custom',
          path: ['vendor'],
          message: 'is required for a return_to_vendor transfer',
        });
      if (transfer.toStoreId !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['toStoreId'],
          message: 'is only for a store_to_store transfer',
        });
      }
    }
  })
  .meta({
    id: 'NewTransfer',
    example: {
      transferId: 'TR-1001',
      type: 'store_to_store',
      fromStoreId: 'NYC-01',
      toStoreId: 'BOS-01',
      lines: [{ productId: 'TEE-BLK-M', quantity: 6 }],
      reason: 'replenishment',
    },
  });

export const transferShipmentSchema = z
  .strictObject({
    expectedAt: epochMillis(
      'When the destination should receive it, epoch milliseconds; feeds back-order dates there.',
    ).optional(),
  })
  .meta({ id: 'TransferShipment', example: { expectedAt: 1764000000000 } })
  .nullish()
  .meta({ description: 'May be left out.', example: { expectedAt: 1764000000000 } });

export const transferReceiptSchema = z
  .strictObject({
    lines: productLines(
      z.strictObject({
        productId,
        quantity: quantity
          .min(0, 'must be a whole number of units, 0 or more')
          .describe('Units that arrived.'),
      }),
      MAX_TRANSFER_LINES,
    ),
    allowOverReceipt: z.boolean().default(false).describe('Accept more units of a line than were shipped.'),
  })
  .meta({
    id: 'TransferReceipt',
    description: 'What arrived, per product; a shipped product left out counts as 0 received.',
    example: { lines: [{ productId: 'TEE-BLK-M', quantity: 5 }] },
  });

export const transferLineSchema = z.object({
  productId,
  quantity: z.number().int().describe('Units to transfer.'),
  shippedQuantity: z.number().int().describe('Units that left the origin; 0 until shipped.'),
  receivedQuantity: z.number().int().optional().describe('Units the destination received, once received.'),
  discrepancy: z.number().int().optional().describe('receivedQuantity − shippedQuantity, once received.'),
});

export const transferSchema = z
  .object({
    transferId,
    type: transferTypeSchema,
    fromStoreId: z.string(),
    toStoreId: z.string().optional(),
    vendor: z.string().optional(),
    status: transferStatusSchema,
    reason: z.string().optional(),
    note: z.string().optional(),
    lines: z.array(transferLineSchema),
    expectedAt: z.number().int().optional().describe('Epoch milliseconds.'),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
    shippedAt: z.number().int().optional().describe('Epoch milliseconds.'),
    receivedAt: z.number().int().optional().describe('Epoch milliseconds.'),
    cancelledAt: z.number().int().optional().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'Transfer',
    example: {
      transferId: 'TR-1001',
      type: 'store_to_store',
      fromStoreId: 'NYC-01',
      toStoreId: 'BOS-01',
      status: 'received',
      reason: 'replenishment',
      lines: [
        { productId: 'TEE-BLK-M', quantity: 6, shippedQuantity: 6, receivedQuantity: 5, discrepancy: -1 },
      ],
      createdAt: 1763800000000,
      updatedAt: 1763990000000,
      shippedAt: 1763850000000,
      receivedAt: 1763990000000,
    },
  });

export const transferParams = z.strictObject({ transferId });

export type NewTransfer = z.output<typeof newTransferSchema>;
export type TransferShipment = z.output<typeof transferShipmentSchema>;
export type TransferReceipt = z.output<typeof transferReceiptSchema>;
export type Transfer = z.output<typeof transferSchema>;
export type TransferStatus = z.output<typeof transferStatusSchema>;
export type TransferType = z.output<typeof transferTypeSchema>;
