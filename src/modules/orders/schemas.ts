import { z } from 'zod';
import { epochMillis, merchantKey } from '../../platform/http/fields.ts';
import { pageOf } from '../../platform/http/pagination.ts';

// Bounds keep every sum a safe integer and every value inside its column.
const MAX_MONEY = 1_000_000_000_000;
const MAX_QUANTITY = 1_000_000;
const money = z.number().int().min(0).max(MAX_MONEY);
const positiveMoney = z.number().int().min(1).max(MAX_MONEY);
const quantity = z.number().int().min(1).max(MAX_QUANTITY);
export const orderIdSchema = merchantKey("The order's id, given by the register or web store that took it.");

const taxSchema = z.strictObject({
  name: z.string().min(1).max(100),
  ratePpm: z.number().int().min(0).max(1_000_000).optional(),
  amount: money,
});

const fulfillmentSchema = z.strictObject({
  type: z.enum(['cash_and_carry', 'ship', 'ship_from_store', 'bopis', 'bofis', 'ropis']),
  storeId: merchantKey('The store that fulfils the line; default the order’s store.').optional(),
});

const saleLineSchema = z.strictObject({
  productId: merchantKey('The product sold.'),
  quantity,
  unitPrice: money,
  discountAmount: money.optional(),
  taxes: z.array(taxSchema).max(20).optional(),
  taxAmount: money,
  fulfillment: fulfillmentSchema.optional().describe('Default cash_and_carry at the order’s store.'),
  allowBackorder: z.boolean().optional(),
});

const returnLineSchema = z.strictObject({
  originalLineNumber: z.number().int().min(1),
  quantity,
  unitPrice: money.optional().describe('Default the price the line was sold at.'),
  discountAmount: money.optional().describe("Default the sold line's discount on these units, rounded down."),
  taxAmount: money,
  restock: z.boolean().optional().describe('Put the units back on hand at the order’s store; default true.'),
  reason: z.string().max(200).optional(),
});

const discountSchema = z.strictObject({
  name: z.string().min(1).max(100),
  code: z.string().max(64).optional(),
  discountId: z.string().max(64).optional(),
  amount: positiveMoney,
});

const shippingSchema = z.strictObject({
  methodId: z.string().max(64).optional(),
  name: z.string().min(1).max(100),
  amount: money,
  taxAmount: money,
  address: z.record(z.string(), z.unknown()).optional(),
});

const tenderSchema = z.strictObject({
  type: z.enum(['cash', 'card', 'gift_card', 'web_orders', 'store_credit', 'other']),
  direction: z.enum(['charge', 'refund']).optional(),
  amount: positiveMoney,
  cardBrand: z.string().max(32).optional(),
  cardLast4: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  reference: z.string().max(128).optional(),
});

const totalsSchema = z.strictObject({
  subtotal: money,
  discountTotal: money,
  taxTotal: money,
  shippingTotal: money,
  total: money,
  returnTotal: money.optional(),
});

const channelSchema = z.enum(['web', 'store', 'mobile', 'phone', 'marketplace', 'api']);
const typeSchema = z.enum(['sale', 'return', 'exchange']);

const exampleNewOrder = {
  orderId: 'NYC-01-R2-000123',
  type: 'sale' as const,
  channel: 'store' as const,
  storeId: 'NYC-01',
  registerId: 'R2',
  lines: [{ productId: 'TEE-BLK-M', quantity: 2, unitPrice: 1500, discountAmount: 300, taxAmount: 240 }],
  discounts: [{ name: 'Summer 10%', amount: 300 }],
  tenders: [{ type: 'card' as const, amount: 2940, cardBrand: 'visa', cardLast4: '4242' }],
  totals: { subtotal: 3000, discountTotal: 300, taxTotal: 240, shippingTotal: 0, total: 2940 },
};

export const newOrderSchema = z
  .strictObject({
    orderId: orderIdSchema,
    type: typeSchema,
    channel: channelSchema,
    storeId: merchantKey('The store the order belongs to.'),
    currency: z.string().length(3).optional().describe("Must be the store's currency when given."),
    registerId: z.string().min(1).max(64).optional(),
    associateId: z.string().min(1).max(64).optional(),
    customerId: merchantKey('The customer’s number.').optional(),
    occurredAt: epochMillis('When the order was taken; default now.').optional(),
    offline: z
      .boolean()
      .optional()
      .describe('A register posting its queue later: stock shortfalls are kept.'),
    originalOrderId: orderIdSchema.optional().describe('Returns and exchanges: the sale returned from.'),
    lines: z
      .array(
        saleLineSchema.refine((line) => line.quantity * line.unitPrice <= MAX_MONEY, {
          message: `quantity × unitPrice must be at most ${MAX_MONEY}`,
          path: ['unitPrice'],
        }),
      )
      .max(500)
      .default([]),
    returnLines: z.array(returnLineSchema).max(500).default([]),
    discounts: z.array(discountSchema).max(50).default([]),
    shipping: shippingSchema.optional(),
    tenders: z.array(tenderSchema).max(50).default([]),
    totals: totalsSchema,
    receipt: z.strictObject({ email: z.email().optional() }).optional(),
    note: z.string().max(2000).optional(),
  })
  .meta({ example: exampleNewOrder });

export type NewOrder = z.output<typeof newOrderSchema>;

const orderLineSchema = saleLineSchema.extend({
  lineNumber: z.number().int(),
  amount: money,
  returnedQuantity: z.number().int(),
  fulfillment: fulfillmentSchema,
  stockShortfall: z.number().int().optional(),
});

const returnedLineSchema = returnLineSchema.extend({
  lineNumber: z.number().int(),
  productId: z.string(),
  unitPrice: money,
  amount: money,
  restock: z.boolean(),
});

const exampleOrderLine = {
  ...exampleNewOrder.lines[0],
  lineNumber: 1,
  amount: 2700,
  returnedQuantity: 0,
  fulfillment: { type: 'cash_and_carry' as const, storeId: 'NYC-01' },
};

const exampleOrder = {
  ...exampleNewOrder,
  status: 'completed' as const,
  currency: 'USD',
  occurredAt: 1_767_225_600_000,
  postedAt: 1_767_225_600_000,
  lines: [exampleOrderLine],
  returnLines: [],
  orderProductList: [exampleOrderLine],
  productList: [exampleOrderLine],
  returnProductList: [],
  fulfillments: [],
  returns: [],
  tenders: [
    {
      type: 'card' as const,
      direction: 'charge' as const,
      amount: 2940,
      cardLast4: '4242',
      cardBrand: 'visa',
    },
  ],
  totals: { ...exampleNewOrder.totals, returnTotal: 0 },
};

export const orderSchema = z
  .strictObject({
    orderId: z.string(),
    type: typeSchema,
    status: z.enum(['open', 'completed', 'cancelled']),
    channel: channelSchema,
    storeId: z.string(),
    currency: z.string(),
    registerId: z.string().optional(),
    associateId: z.string().optional(),
    customerId: z.string().optional(),
    occurredAt: z.number(),
    postedAt: z.number(),
    offline: z.boolean().optional(),
    originalOrderId: z.string().optional(),
    lines: z.array(orderLineSchema),
    returnLines: z.array(returnedLineSchema),
    orderProductList: z.array(orderLineSchema),
    productList: z.array(orderLineSchema).describe('Sold minus returned; fully returned lines left out.'),
    returnProductList: z.array(returnedLineSchema),
    fulfillments: z.array(
      z.strictObject({
        fulfillmentId: z.string(),
        type: z.string(),
        storeId: z.string(),
        status: z.string(),
        expectedAt: z.number().optional(),
        lineNumbers: z.array(z.number()),
      }),
    ),
    returns: z.array(z.strictObject({ orderId: z.string(), occurredAt: z.number() })),
    discounts: z.array(discountSchema),
    shipping: shippingSchema.optional(),
    tenders: z.array(tenderSchema.extend({ direction: z.enum(['charge', 'refund']) })),
    totals: totalsSchema.extend({ returnTotal: money }),
    note: z.string().optional(),
  })
  .meta({ id: 'Order', example: exampleOrder });

export type Order = z.output<typeof orderSchema>;

export const orderParams = z.strictObject({ orderId: orderIdSchema });
export const customerOrdersParams = z.strictObject({ customerId: merchantKey('The customer’s number.') });

export const orderSearchSchema = z
  .strictObject({
    customerId: z.string().max(64).optional(),
    storeId: z.string().max(64).optional(),
    channel: channelSchema.optional(),
    status: z.enum(['open', 'completed', 'cancelled']).optional(),
    type: typeSchema.optional(),
    from: epochMillis('Orders that occurred at or after this moment.').optional(),
    to: epochMillis('Orders that occurred before this moment.').optional(),
    productId: z.string().max(64).optional(),
    cardLast4: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().max(1024).optional(),
  })
  .meta({ example: { storeId: 'NYC-01', cardLast4: '4242', limit: 20 } });

export type OrderSearch = z.output<typeof orderSearchSchema>;

export const orderPageSchema = pageOf(orderSchema).meta({
  example: { data: [exampleOrder], nextCursor: null },
});

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1024).optional(),
});

export const repostSchema = z
  .strictObject({ orderIds: z.array(orderIdSchema).min(1).max(100) })
  .meta({ example: { orderIds: ['NYC-01-R2-000123'] } });

export const repostResultSchema = z
  .strictObject({ reposted: z.array(z.string()), notFound: z.array(z.string()) })
  .meta({ example: { reposted: ['NYC-01-R2-000123'], notFound: [] } });
