import { z } from 'zod';
import { merchantKey } from '../../platform/http/fields.ts';
import { customerIdSchema } from '../customers/schemas.ts';
import { storeIdSchema } from '../stores/schemas.ts';

export const cartIdSchema = merchantKey("The cart's id: the client's own key, or one Backroom generated.");
const productIdSchema = merchantKey("The merchant's product id.");
const quantitySchema = z.number().int().min(1).max(9999);
const channelSchema = z
  .enum(['web', 'store', 'mobile', 'phone', 'marketplace', 'api'])
  .describe('Where the cart is being filled.');
export const cartStatusSchema = z.enum([
  'active',
  'saved',
  'abandoned',
  'suspended',
  'voided',
  'merged',
  'checking_out',
  'checked_out',
]);
const staffKey = (description: string) => merchantKey(description);

const lineInput = z.strictObject({ productId: productIdSchema, quantity: quantitySchema });

export const newCartSchema = z
  .strictObject({
    cartId: cartIdSchema.optional(),
    storeId: storeIdSchema,
    channel: channelSchema,
    customerId: customerIdSchema.optional(),
    registerId: staffKey('The register the cart is rung up on.').optional(),
    associateId: staffKey('The associate helping the customer.').optional(),
    name: z.string().trim().min(1).max(100).optional(),
    lines: z.array(lineInput).max(100).optional(),
  })
  .meta({
    id: 'NewCart',
    example: { storeId: 'NYC-01', channel: 'web', lines: [{ productId: 'TEE-CLASSIC-BLU-L', quantity: 2 }] },
  });

export const cartLineInputSchema = lineInput.meta({
  id: 'CartLineInput',
  example: { productId: 'TEE-CLASSIC-BLU-L', quantity: 1 },
});

export const cartQuantitySchema = z
  .strictObject({ quantity: quantitySchema })
  .meta({ id: 'CartQuantity', example: { quantity: 3 } });

export const saveCartSchema = z
  .strictObject({ name: z.string().trim().min(1).max(100).optional() })
  .meta({ id: 'SaveCart', example: { name: 'Birthday ideas' } });

export const cartAuditActionSchema = z
  .strictObject({
    associateId: staffKey('The associate suspending or voiding the cart.'),
    registerId: staffKey('The register it happens at.').optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .meta({
    id: 'CartAuditAction',
    example: { associateId: 'A-1001', registerId: 'REG-3', reason: 'Customer stepped away' },
  });

export const signInSchema = z
  .strictObject({ customerId: customerIdSchema })
  .meta({ id: 'CartSignIn', example: { customerId: 'C00000042' } });

const pricedLineSchema = z.object({
  productId: z.string(),
  productName: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int().describe("The store's effective price now, minor units."),
  listPrice: z.number().int().optional(),
  onSale: z.boolean(),
  amount: z.number().int().describe('quantity × unitPrice.'),
  available: z.number().int().describe('Units available at the cart’s store now.'),
  availability: z.enum(['in_stock', 'short']),
});

const exampleLine = {
  productId: 'TEE-CLASSIC-BLU-L',
  productName: 'Classic Tee, Blue, L',
  quantity: 2,
  unitPrice: 1800,
  listPrice: 2400,
  onSale: true,
  amount: 3600,
  available: 14,
  availability: 'in_stock' as const,
};

export const exampleCart = {
  cartId: 'cart_5b0f7a8e-2c1d-4a53-9d7e-0c6f1f2a9b41',
  storeId: 'NYC-01',
  channel: 'web' as const,
  status: 'active' as const,
  customerId: 'C00000042',
  currency: 'USD',
  lines: [exampleLine],
  savedForLater: [],
  subtotal: 3600,
  itemCount: 2,
  createdAt: 1763800000000,
  updatedAt: 1763800000000,
  lastActivityAt: 1763800000000,
};

export const cartSchema = z
  .object({
    cartId: z.string(),
    storeId: z.string(),
    channel: channelSchema,
    status: cartStatusSchema,
    customerId: z.string().optional(),
    name: z.string().optional(),
    registerId: z.string().optional(),
    associateId: z.string().optional(),
    currency: z.string(),
    lines: z.array(pricedLineSchema),
    savedForLater: z.array(pricedLineSchema),
    subtotal: z.number().int().describe('Σ amount of the lines (saved-for-later left out).'),
    itemCount: z.number().int().describe('Σ quantity of the lines.'),
    statusReason: z.string().optional().describe('Why it was suspended or voided.'),
    statusBy: z.string().optional().describe('The associate who suspended or voided it.'),
    mergedIntoCartId: z.string().optional(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
    lastActivityAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({ id: 'Cart', example: exampleCart });

export const cartListSchema = z
  .object({ data: z.array(cartSchema).describe('Newest first.') })
  .meta({ id: 'CartList', example: { data: [exampleCart] } });

export const cartParams = z.strictObject({ cartId: cartIdSchema });
export const cartLineParams = z.strictObject({ cartId: cartIdSchema, productId: productIdSchema });
export const customerCartsParams = z.strictObject({ customerId: customerIdSchema });
export const customerCartsQuery = z.strictObject({
  status: z.enum(['active', 'saved', 'abandoned', 'suspended']).optional(),
});

export const cartSettingsSchema = z
  .strictObject({
    abandonAfterMinutes: z.number().int().min(5).max(525600),
    notifyOnAbandon: z.boolean(),
    checkoutHoldSeconds: z.number().int().min(30).max(86400),
  })
  .meta({
    id: 'CartSettings',
    example: { abandonAfterMinutes: 1440, notifyOnAbandon: true, checkoutHoldSeconds: 900 },
  });

export type NewCart = z.output<typeof newCartSchema>;
export type Cart = z.input<typeof cartSchema>;
export type PricedLine = z.input<typeof pricedLineSchema>;
export type CartSettings = z.output<typeof cartSettingsSchema>;
export type CartAuditAction = z.output<typeof cartAuditActionSchema>;
