import { z } from 'zod';
import { epochMillis, merchantKey, productLines } from '../../platform/http/fields.ts';

export const MAX_ASN_LINES = 500;

const asnId = merchantKey("The merchant's own id for the advance shipping notice.");
const productId = merchantKey("The merchant's id of the product.");
const units = z.number().int().min(1, 'must be a whole number of units, at least 1').max(1_000_000_000);

export const asnStatusSchema = z
  .enum(['open', 'partially_received', 'received', 'closed', 'cancelled'])
  .describe(
    'open: nothing received yet; partially_received: some lines still expected; received: everything ' +
      'expected arrived; closed: closed short, the rest is no longer expected; cancelled: withdrawn before any receipt.',
  );

export const newAsnSchema = z
  .strictObject({
    asnId,
    storeId: merchantKey('The store the shipment is for.'),
    expectedAt: epochMillis('When the shipment is expected, in epoch milliseconds.'),
    supplier: z.string().trim().min(1).max(200).optional(),
    lines: productLines(
      z.strictObject({ productId, quantity: units.describe('Units expected.') }),
      MAX_ASN_LINES,
    ),
  })
  .meta({
    id: 'NewAsn',
    example: {
      asnId: 'ASN-2031',
      storeId: 'NYC-01',
      expectedAt: 1764000000000,
      supplier: 'Acme Apparel',
      lines: [
        { productId: 'TEE-BLK-M', quantity: 24 },
        { productId: 'CAP-RED', quantity: 10 },
      ],
    },
  });

export const asnReceiptSchema = z
  .strictObject({
    lines: productLines(
      z
        .strictObject({
          productId,
          quantity: units.describe('Units that arrived, damaged ones included.'),
          damagedQuantity: z
            .number()
            .int()
            .min(0)
            .default(0)
            .describe('How many of the units that arrived are damaged; they go to the damaged bucket.'),
        })
        .refine((line) => line.damagedQuantity <= line.quantity, {
          path: ['damagedQuantity'],
          message: 'must not exceed quantity (the units that arrived, damaged ones included)',
        }),
      MAX_ASN_LINES,
    ),
    allowOverReceipt: z
      .boolean()
      .default(false)
      .describe('Accept more units of a line than the ASN still expects.'),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .meta({
    id: 'AsnReceipt',
    example: { lines: [{ productId: 'TEE-BLK-M', quantity: 20, damagedQuantity: 1 }] },
  });

export const asnLineSchema = z.object({
  productId,
  expectedQuantity: z.number().int(),
  receivedQuantity: z.number().int().describe('Units received so far, damaged ones included.'),
  damagedQuantity: z.number().int().describe('Of the units received, those booked as damaged.'),
  remainingQuantity: z.number().int().describe('Units still expected; 0 once received, closed or cancelled.'),
});

export const asnSchema = z
  .object({
    asnId,
    storeId: z.string(),
    supplier: z.string().optional(),
    expectedAt: z.number().int().describe('Epoch milliseconds.'),
    status: asnStatusSchema,
    lines: z.array(asnLineSchema),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
    endedAt: z
      .number()
      .int()
      .optional()
      .describe('When the ASN stopped expecting stock (received, closed or cancelled), epoch milliseconds.'),
  })
  .meta({
    id: 'Asn',
    example: {
      asnId: 'ASN-2031',
      storeId: 'NYC-01',
      supplier: 'Acme Apparel',
      expectedAt: 1764000000000,
      status: 'partially_received',
      lines: [
        {
          productId: 'TEE-BLK-M',
          expectedQuantity: 24,
          receivedQuantity: 20,
          damagedQuantity: 1,
          remainingQuantity: 4,
        },
        {
          productId: 'CAP-RED',
          expectedQuantity: 10,
          receivedQuantity: 0,
          damagedQuantity: 0,
          remainingQuantity: 10,
        },
      ],
      createdAt: 1763800000000,
      updatedAt: 1763900000000,
    },
  });

export const asnParams = z.strictObject({ asnId });

export type NewAsn = z.output<typeof newAsnSchema>;
export type AsnReceipt = z.output<typeof asnReceiptSchema>;
export type Asn = z.output<typeof asnSchema>;
export type AsnLine = z.output<typeof asnLineSchema>;
export type AsnStatus = z.output<typeof asnStatusSchema>;
