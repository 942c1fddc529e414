import { z } from 'zod';
import { eachOnce } from '../../platform/http/fields.ts';
import { customerNumber, customerParams } from './address-schemas.ts';
import { customerDetailSchema } from './schemas.ts';

export { customerParams };

export const MAX_MERGED = 20;

export const mergeBodySchema = z
  .strictObject({
    survivorId: customerNumber.describe('The customer that stays; the others become aliases of its number.'),
    customerIds: z
      .array(customerNumber)
      .min(1, 'must name at least one customer')
      .max(MAX_MERGED, `must not name more than ${MAX_MERGED} customers`)
      .superRefine(eachOnce((customerId: string) => customerId))
      .describe('The customers merged into the survivor.'),
  })
  .superRefine((body, issues) => {
    const at = body.customerIds.indexOf(body.survivorId);
    if (at >= 0) {
      issues.addIssue({ code: 'custom', path: ['customerIds', at], message: 'must not name the survivor' });
    }
  })
  .meta({
    id: 'CustomerMerge',
    example: { survivorId: 'C00000042', customerIds: ['C00000057', 'WEB-1881'] },
  });

/** The survivor, as GET answers it, with every number merged into it. */
export const mergeResultSchema = customerDetailSchema;

export const linkBodySchema = z
  .strictObject({ customerId: customerNumber.describe('The customer that may be the same person.') })
  .meta({ id: 'NewCustomerLink', example: { customerId: 'C00000057' } });

export const linkParams = z.strictObject({
  customerId: customerNumber,
  otherCustomerId: customerNumber.describe('The linked customer.'),
});

const exampleLink = { customerId: 'C00000057', reason: 'email' as const, createdAt: 1763800000000 };

export const linkSchema = z
  .object({
    customerId: z.string().describe('The linked customer.'),
    reason: z
      .enum(['email', 'phone', 'manual'])
      .describe('Same e-mail address or phone number on create, or linked by hand.'),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({ id: 'CustomerLink', example: exampleLink });

export const linkListSchema = z
  .object({ data: z.array(linkSchema) })
  .meta({ id: 'CustomerLinkList', example: { data: [exampleLink] } });

export type MergeBody = z.output<typeof mergeBodySchema>;
export type CustomerLink = z.output<typeof linkSchema>;
