import { z } from 'zod';
import { callSpi, type SpiResult } from '../../integrations/spi/call-spi.ts';
import type { Ctx, OutsideCtx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import type { Address, AddressUpdate, NewAddress } from './address-schemas.ts';
import * as addresses from './addresses.ts';
import { requireCustomer } from './lookup.ts';
import type { CustomerSource } from './schemas.ts';

/**
 * The merchant's system as master of customer addresses: with the GET_CUSTOMER_ADDRESSES,
 * CREATE_CUSTOMER_ADDRESS, UPDATE_CUSTOMER_ADDRESS or DELETE_CUSTOMER_ADDRESS SPI configured, Backroom asks it
 * (in the route's `prepare`) and answers what it says, keeping no copy; when it fails, Backroom's own
 * addresses answer. The customer number must still be one Backroom knows.
 */
const ADDRESS_PATH = '/sa/customer/address';

const text = (max: number) => z.string().trim().min(1).max(max);

export const masterAddressSchema = z.object({
  addressId: text(100),
  label: text(50).optional(),
  name: text(200).optional(),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  region: text(100).optional(),
  postalCode: text(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/),
  phone: text(40).optional(),
  defaultShipping: z.boolean().optional(),
  defaultBilling: z.boolean().optional(),
});
type MasterAddress = z.output<typeof masterAddressSchema>;

const addressListSchema = z.object({ addressList: z.array(masterAddressSchema).max(1000) });

export type AddressAnswer = Address & { source?: CustomerSource };

const clearedFields = (update: AddressUpdate) =>
  Object.keys(update).filter((name) => update[name as keyof AddressUpdate] === null);

export async function askMasterForAddresses(
  ctx: OutsideCtx,
  customerId: string,
): Promise<SpiResult<MasterAddress[]>> {
  const result = await callSpi(ctx, 'GET_CUSTOMER_ADDRESSES', {
    path: ADDRESS_PATH,
    method: 'GET',
    query: { customerId },
    response: addressListSchema,
  });
  return result.answered ? { answered: true, value: result.value.addressList } : result;
}

export function askMasterToCreateAddress(ctx: OutsideCtx, customerId: string, address: NewAddress) {
  return callSpi(ctx, 'CREATE_CUSTOMER_ADDRESS', {
    path: ADDRESS_PATH,
    method: 'POST',
    body: { customerId, address },
    response: masterAddressSchema,
  });
}

/** SPI bodies leave nulls out, so the fields to clear are named in `clearFields`. */
export function askMasterToUpdateAddress(
  ctx: OutsideCtx,
  customerId: string,
  addressId: string,
  update: AddressUpdate,
) {
  return callSpi(ctx, 'UPDATE_CUSTOMER_ADDRESS', {
    path: ADDRESS_PATH,
    method: 'PUT',
    body: { customerId, addressId, address: update, clearFields: clearedFields(update) },
    response: masterAddressSchema,
  });
}

export function askMasterToDeleteAddress(ctx: OutsideCtx, customerId: string, addressId: string) {
  return callSpi(ctx, 'DELETE_CUSTOMER_ADDRESS', {
    path: ADDRESS_PATH,
    method: 'DELETE',
    query: { customerId, addressId },
    response: z.object({}),
  });
}

/** `source` as on customers: `spi` when the master answered, `backroom` when it was asked in vain. */
function fromBackroom(master: SpiResult<unknown>): { source?: CustomerSource } {
  return !master.answered && master.failure ? { source: 'backroom' } : {};
}

function fromMaster(address: MasterAddress, now: number): AddressAnswer {
  return {
    ...address,
    defaultShipping: address.defaultShipping ?? false,
    defaultBilling: address.defaultBilling ?? false,
    createdAt: now,
    updatedAt: now,
    source: 'spi',
  };
}

export async function listAddressesThroughMaster(
  ctx: Ctx,
  customerId: string,
  master: SpiResult<MasterAddress[]>,
): Promise<{ data: AddressAnswer[]; source?: CustomerSource }> {
  if (!master.answered)
    return { ...(await addresses.listAddresses(ctx, customerId)), ...fromBackroom(master) };
  await requireCustomer(ctx, customerId);
  const now = ctx.now().getTime();
  return { data: master.value.map((address) => fromMaster(address, now)), source: 'spi' };
}

/** After a change the master made: the answer, and `customer.address_changed` as for Backroom's own. */
async function changedByMaster(
  ctx: Ctx,
  customerId: string,
  address: MasterAddress | { addressId: string },
  change: 'created' | 'updated' | 'deleted',
) {
  const customer = await requireCustomer(ctx, customerId);
  await emit(ctx, {
    type: 'customer.address_changed',
    subject: customer.customerId,
    data: { addressId: address.addressId, change, source: 'spi' },
  });
}

export async function createAddressThroughMaster(
  ctx: Ctx,
  customerId: string,
  input: NewAddress,
  master: SpiResult<MasterAddress>,
): Promise<AddressAnswer> {
  if (!master.answered) {
    return { ...(await addresses.createAddress(ctx, customerId, input)), ...fromBackroom(master) };
  }
  await changedByMaster(ctx, customerId, master.value, 'created');
  return fromMaster(master.value, ctx.now().getTime());
}

export async function updateAddressThroughMaster(
  ctx: Ctx,
  customerId: string,
  addressId: string,
  update: AddressUpdate,
  master: SpiResult<MasterAddress>,
): Promise<AddressAnswer> {
  if (!master.answered) {
    return {
      ...(await addresses.updateAddress(ctx, customerId, addressId, update)),
      ...fromBackroom(master),
    };
  }
  await changedByMaster(ctx, customerId, master.value, 'updated');
  return fromMaster(master.value, ctx.now().getTime());
}

/** The master answers no address on delete: the answer is Backroom's own record only without a master. */
export async function deleteAddressThroughMaster(
  ctx: Ctx,
  customerId: string,
  addressId: string,
  master: SpiResult<unknown>,
): Promise<{ addressId: string; source?: CustomerSource }> {
  if (!master.answered) {
    return { ...(await addresses.deleteAddress(ctx, customerId, addressId)), ...fromBackroom(master) };
  }
  await changedByMaster(ctx, customerId, { addressId }, 'deleted');
  return { addressId, source: 'spi' };
}
