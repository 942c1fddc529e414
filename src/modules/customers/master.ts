import { z } from 'zod';
import { callSpi, type SpiResult } from '../../integrations/spi/call-spi.ts';
import type { OutsideCtx } from '../../platform/context.ts';
import {
  type CustomerListQuery,
  type CustomerUpdate,
  channelSchema,
  customerIdSchema,
  type NewCustomer,
} from './schemas.ts';

/**
 * The merchant's system as customer master: when its GET_CUSTOMER, SEARCH_CUSTOMERS or CREATE_CUSTOMER SPI is
 * configured, Backroom asks it first and mirrors what it answers (see `mirrorCustomer` in service.ts). These
 * calls run in a route's `prepare`, outside any transaction.
 */
export const CUSTOMERS_PATH = '/sa/customers';

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * A customer as the merchant's system answers it: Backroom's fields, any of them absent but the number. Fields
 * Backroom does not keep (a loyalty profile, say) are ignored.
 */
export const masterCustomerSchema = z.object({
  customerId: customerIdSchema,
  firstName: text(100).optional(),
  lastName: text(100).optional(),
  email: z.string().trim().max(254).pipe(z.email()).optional(),
  phone: z.string().trim().min(3).max(40).optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(isRealDate, 'must be a real date')
    .optional(),
  loyaltyId: text(64).optional(),
  channel: channelSchema.optional(),
  storeId: text(64).optional(),
  marketing: z.object({ email: z.boolean(), sms: z.boolean() }).optional(),
  note: z.string().max(2000).optional(),
});

export type MasterCustomer = z.output<typeof masterCustomerSchema>;

const masterListSchema = z.object({ customers: z.array(masterCustomerSchema).max(1000) });

/** GET_CUSTOMER: `GET <base>/sa/customers/{customerId}`. */
export function askMasterForCustomer(
  ctx: OutsideCtx,
  customerId: string,
): Promise<SpiResult<MasterCustomer>> {
  return callSpi(ctx, 'GET_CUSTOMER', {
    path: `${CUSTOMERS_PATH}/${encodeURIComponent(customerId)}`,
    method: 'GET',
    response: masterCustomerSchema,
  });
}

/**
 * SEARCH_CUSTOMERS: `GET <base>/sa/customers?<filters>&limit=…`, answering `{ customers: [...] }`. A request
 * with a cursor continues one of Backroom's own lists, so the merchant's system is not asked.
 */
export async function askMasterToSearch(
  ctx: OutsideCtx,
  query: CustomerListQuery,
): Promise<SpiResult<MasterCustomer[]>> {
  if (query.cursor) return { answered: false };
  const { cursor: _, ...filters } = query;
  const params = Object.fromEntries(
    Object.entries(filters)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
  const result = await callSpi(ctx, 'SEARCH_CUSTOMERS', {
    path: CUSTOMERS_PATH,
    method: 'GET',
    query: params,
    response: masterListSchema,
  });
  return result.answered ? { answered: true, value: result.value.customers } : result;
}

/** CREATE_CUSTOMER: `POST <base>/sa/customers` with the new customer; answers it with its customerId. */
export function askMasterToCreate(ctx: OutsideCtx, input: NewCustomer): Promise<SpiResult<MasterCustomer>> {
  const { allowDuplicate: _, ...customer } = input;
  return callSpi(ctx, 'CREATE_CUSTOMER', {
    path: CUSTOMERS_PATH,
    method: 'POST',
    body: customer,
    response: masterCustomerSchema,
  });
}

/**
 * UPDATE_CUSTOMER: `PUT <base>/sa/customers` with `{ profile: { customerId, ...changes }, clearFields }`:
 * SPI bodies leave nulls out, so the fields to clear are named in `clearFields`. Answers the customer as the
 * master now has it.
 */
export function askMasterToUpdate(
  ctx: OutsideCtx,
  customerId: string,
  update: CustomerUpdate,
): Promise<SpiResult<MasterCustomer>> {
  return callSpi(ctx, 'UPDATE_CUSTOMER', {
    path: CUSTOMERS_PATH,
    method: 'PUT',
    body: {
      profile: { ...update, customerId },
      clearFields: Object.keys(update).filter((name) => update[name as keyof CustomerUpdate] === null),
    },
    response: masterCustomerSchema,
  });
}
