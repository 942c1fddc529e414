import { z } from 'zod';
import { epochMillis, merchantKey } from '../../platform/http/fields.ts';
import { orderSchema } from '../orders/service.ts';

const money = z.number().int().min(0);
const orderIdSchema = merchantKey("The client's id of the order this checkout becomes.");

export const checkoutCartParams = z.strictObject({
  cartId: merchantKey("The cart's id."),
});
export const checkoutParams = z.strictObject({ orderId: orderIdSchema });

export const startCheckoutSchema = z
  .strictObject({
    orderId: orderIdSchema,
    shippingMethodId: z.string().min(1).max(64).optional(),
    shippingAddress: z.record(z.string(), z.unknown()).optional().describe("Default the cart's address."),
    email: z.email().max(254).optional().describe('Where the receipt goes.'),
  })
  .meta({
    example: {
      orderId: 'web-100231',
      shippingMethodId: 'ground',
      shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
  });
export type StartCheckout = z.output<typeof startCheckoutSchema>;

const checkoutLineSchema = z.strictObject({
  productId: z.string(),
  quantity: z.number().int(),
  unitPrice: money,
  taxAmount: money,
  amount: money.describe('quantity × unitPrice, before tax.'),
});

const exampleCheckout = {
  orderId: 'web-100231',
  cartId: 'cart-7731',
  status: 'pending_payment' as const,
  expiresAt: 1_767_000_900_000,
  lines: [{ productId: 'TEE', quantity: 2, unitPrice: 1800, taxAmount: 297, amount: 3600 }],
  shipping: { methodId: 'ground', name: 'Ground', amount: 500, taxAmount: 0 },
  totals: { subtotal: 3600, discountTotal: 0, taxTotal: 297, shippingTotal: 500, total: 4397 },
  reservationId: 'rsv_5b0f7a8e-2c1d-4a53-9d7e-0c6f1f2a9b41',
};

export const checkoutSchema = z
  .strictObject({
    orderId: z.string(),
    cartId: z.string(),
    status: z.enum(['pending_payment', 'completed', 'payment_failed', 'expired']),
    expiresAt: epochMillis('When the held stock is released unless the payment arrives.'),
    lines: z.array(checkoutLineSchema),
    shipping: z
      .strictObject({ methodId: z.string().optional(), name: z.string(), amount: money, taxAmount: money })
      .optional(),
    totals: z.strictObject({
      subtotal: money,
      discountTotal: money,
      taxTotal: money,
      shippingTotal: money,
      total: money,
    }),
    reservationId: z.string().optional(),
    failureReason: z.string().optional(),
  })
  .meta({ example: exampleCheckout });
export type Checkout = z.output<typeof checkoutSchema>;

const tenderSchema = z.strictObject({
  type: z.enum(['cash', 'card', 'gift_card', 'web_orders', 'store_credit', 'other']),
  amount: z.number().int().min(1),
  cardBrand: z.string().max(32).optional(),
  cardLast4: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  reference: z.string().max(128).optional(),
});

export const paymentSchema = z
  .strictObject({
    outcome: z.enum(['succeeded', 'failed']),
    tenders: z
      .array(tenderSchema)
      .min(1)
      .max(50)
      .optional()
      .describe('Required when the payment succeeded; they must add up to the total.'),
    failureReason: z.string().min(1).max(500).optional(),
  })
  .meta({
    example: {
      outcome: 'succeeded',
      tenders: [{ type: 'card', amount: 4397, cardBrand: 'visa', cardLast4: '4242', reference: 'psp-88121' }],
    },
  });
export type Payment = z.output<typeof paymentSchema>;

export const paymentResultSchema = z
  .strictObject({ checkout: checkoutSchema, order: orderSchema.optional() })
  .meta({
    example: { checkout: { ...exampleCheckout, status: 'payment_failed', failureReason: 'card declined' } },
  });
export type PaymentResult = z.output<typeof paymentResultSchema>;
