import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import { isUuid } from '../../platform/uuid.ts';
import * as repo from './address-repo.ts';
import type { Address, AddressUpdate, NewAddress } from './address-schemas.ts';
import { type CustomerRow, requireCustomer } from './lookup.ts';

export const MAX_ADDRESSES = 50;

function toAddress(row: repo.AddressRow): Address {
  return {
    addressId: row.id,
    ...(row.label ? { label: row.label } : {}),
    ...(row.name ? { name: row.name } : {}),
    line1: row.line1,
    ...(row.line2 ? { line2: row.line2 } : {}),
    city: row.city,
    ...(row.region ? { region: row.region } : {}),
    ...(row.postalCode ? { postalCode: row.postalCode } : {}),
    country: row.country,
    ...(row.phone ? { phone: row.phone } : {}),
    defaultShipping: row.defaultShipping,
    defaultBilling: row.defaultBilling,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

async function addressChanged(ctx: Ctx, customer: CustomerRow, addressId: string, change: string) {
  await emit(ctx, {
    type: 'customer.address_changed',
    subject: customer.customerId,
    data: { addressId, change },
  });
}

export async function listAddresses(ctx: Ctx, customerId: string): Promise<{ data: Address[] }> {
  const customer = await requireCustomer(ctx, customerId);
  return { data: (await repo.listAddressRows(ctx.tx, customer.id)).map(toAddress) };
}

/** The customer's first address becomes both defaults unless the input says otherwise. */
export async function createAddress(ctx: Ctx, customerId: string, input: NewAddress): Promise<Address> {
  // Locking the customer serialises address changes, so the count and the defaults cannot race.
  const customer = await requireCustomer(ctx, customerId, { lock: true });
  const count = await repo.countAddresses(ctx.tx, customer.id);
  if (count >= MAX_ADDRESSES) {
    throw new Problem(
      'rule_violated',
      `Customer ${customer.customerId} already has ${count} addresses, the most one customer may have; ` +
        'delete one first.',
    );
  }
  const first = count === 0;
  const values: repo.AddressValues = {
    label: input.label ?? null,
    name: input.name ?? null,
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city,
    region: input.region ?? null,
    postalCode: input.postalCode ?? null,
    country: input.country,
    phone: input.phone ?? null,
    defaultShipping: input.defaultShipping ?? first,
    defaultBilling: input.defaultBilling ?? first,
  };
  const now = ctx.now();
  if (values.defaultShipping) await repo.clearDefault(ctx.tx, customer.id, 'defaultShipping', now);
  if (values.defaultBilling) await repo.clearDefault(ctx.tx, customer.id, 'defaultBilling', now);
  const row = await repo.insertAddress(ctx.tx, ctx.tenantId, customer.id, values, now);
  await addressChanged(ctx, customer, row.id, 'created');
  return toAddress(row);
}

export async function updateAddress(
  ctx: Ctx,
  customerId: string,
  addressId: string,
  update: AddressUpdate,
): Promise<Address> {
  const customer = await requireCustomer(ctx, customerId, { lock: true });
  const current = await requireAddress(ctx, customer, addressId);
  const { next, changed } = applyChanges(current, update, repo.editableColumns);
  if (changed.length === 0) return toAddress(current);
  const now = ctx.now();
  if (changed.includes('defaultShipping') && next.defaultShipping) {
    await repo.clearDefault(ctx.tx, customer.id, 'defaultShipping', now, addressId);
  }
  if (changed.includes('defaultBilling') && next.defaultBilling) {
    await repo.clearDefault(ctx.tx, customer.id, 'defaultBilling', now, addressId);
  }
  const { id: _id, customerUuid: _customer, createdAt: _created, updatedAt: _updated, ...values } = next;
  const row = await repo.updateAddressRow(ctx.tx, addressId, values, now);
  await addressChanged(ctx, customer, addressId, 'updated');
  return toAddress(row);
}

/** Answers the address as it was. Deleting a default leaves the customer without one of that kind. */
export async function deleteAddress(ctx: Ctx, customerId: string, addressId: string): Promise<Address> {
  const customer = await requireCustomer(ctx, customerId, { lock: true });
  const current = await requireAddress(ctx, customer, addressId);
  await repo.deleteAddressRow(ctx.tx, addressId);
  await addressChanged(ctx, customer, addressId, 'deleted');
  return toAddress(current);
}

async function requireAddress(ctx: Ctx, customer: CustomerRow, addressId: string) {
  const row = isUuid(addressId) ? await repo.findAddressRow(ctx.tx, customer.id, addressId) : undefined;
  if (!row) {
    throw new Problem(
      'not_found',
      `Customer ${customer.customerId} has no address with addressId ${addressId}.`,
    );
  }
  return row;
}
