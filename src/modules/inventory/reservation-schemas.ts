import { z } from 'zod';
import { eachOnce, merchantKey } from '../../platform/http/fields.ts';

const expiresInSeconds = z
  .number()
  .int()
  .min(30)
  .max(604_800)
  .describe("Seconds the stock is held; default the merchant's reservation lifetime (15 minutes).");

const referenceSchema = z.strictObject({
  type: z.enum(['cart', 'order', 'other']),
  id: z.string().trim().min(1).max(100),
});

const lineSchema = z.strictObject({
  productId: merchantKey("The merchant's id of the product."),
  quantity: z.number().int().min(1).max(1_000_000),
});

export const newReservationSchema = z
  .strictObject({
    reservationId: merchantKey('Your id for the reservation; one is made up when left out.').optional(),
    storeId: merchantKey('The location the stock is held at.'),
    reference: referenceSchema.describe('The cart or order the stock is held for.'),
    lines: z
      .array(lineSchema)
      .min(1)
      .max(100)
      .superRefine(eachOnce((line: { productId: string }) => line.productId, 'productId')),
    expiresInSeconds: expiresInSeconds.optional(),
  })
  .meta({
    id: 'NewReservation',
    example: {
      reservationId: 'cart-7731-1',
      storeId: 'WEB',
      reference: { type: 'cart', id: 'cart-7731' },
      lines: [{ productId: 'TEE-BLK-M', quantity: 2 }],
      expiresInSeconds: 900,
    },
  });

export const reservationSchema = z
  .object({
    reservationId: z.string(),
    storeId: z.string(),
    reference: z.object({ type: z.enum(['cart', 'order', 'other']), id: z.string() }),
    status: z.enum(['active', 'released', 'committed', 'expired']),
    lines: z.array(z.object({ productId: z.string(), quantity: z.number().int() })),
    expiresAt: z.number().int().describe('Epoch milliseconds.'),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'Reservation',
    example: {
      reservationId: 'cart-7731-1',
      storeId: 'WEB',
      reference: { type: 'cart', id: 'cart-7731' },
      status: 'active',
      lines: [{ productId: 'TEE-BLK-M', quantity: 2 }],
      expiresAt: 1763800900000,
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
    },
  });

export const reservationParams = z.strictObject({ reservationId: merchantKey('The reservation.') });

export const extendBody = z
  .strictObject({ expiresInSeconds })
  .meta({ id: 'ReservationExtension', example: { expiresInSeconds: 600 } });

export type NewReservationInput = z.output<typeof newReservationSchema>;
export type Reservation = z.output<typeof reservationSchema>;
