import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import { type CustomerRow, findCustomer, requireCustomer } from './lookup.ts';
import * as repo from './merge-repo.ts';
import type { CustomerLink, MergeBody } from './merge-schemas.ts';
import { findByNumber, findLoyaltyHolder } from './repo.ts';
import type { CustomerDetail } from './schemas.ts';
import { customerDetail } from './service.ts';

/**
 * Merges `customerIds` into `survivorId`: each becomes an alias of the survivor, its addresses and links move
 * to the survivor, and fields the survivor lacks are filled from it (oldest first). All or nothing.
 */
export async function mergeCustomers(ctx: Ctx, body: MergeBody): Promise<CustomerDetail> {
  const numbers = [body.survivorId, ...body.customerIds];
  const rows = await repo.lockCustomersByNumber(ctx.tx, numbers);
  const byNumber = new Map(rows.map((row) => [row.customerId, row]));
  const unknown = numbers.filter((number) => !byNumber.has(number));
  if (unknown.length > 0) {
    throw new Problem('unknown_reference', `No customer has the number ${unknown.join(', ')}.`, {
      errors: unknown.map((number) => ({
        field: fieldOf(body, number),
        message: 'no customer has this number',
      })),
    });
  }
  await refuseMergedNumbers(ctx, body, rows);

  const survivor = byNumber.get(body.survivorId) as CustomerRow;
  const merged = body.customerIds
    .map((number) => byNumber.get(number) as CustomerRow)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  const mergedIds = merged.map((row) => row.id);
  const now = ctx.now();

  await moveAddresses(ctx, survivor, merged, now);
  await repo.moveLinks(ctx.tx, ctx.tenantId, survivor.id, mergedIds);
  await repo.moveCartsAndOrders(ctx.tx, survivor.id, mergedIds, now);
  await repo.markMerged(ctx.tx, survivor.id, mergedIds, now);
  await repo.fillCustomer(ctx.tx, survivor.id, await missingFields(ctx, survivor, merged), now);

  await emit(ctx, {
    type: 'customer.merged',
    subject: survivor.customerId,
    data: { survivorId: survivor.customerId, mergedIds: body.customerIds },
  });
  return customerDetail(ctx, await requireCustomer(ctx, survivor.customerId), survivor.customerId);
}

function fieldOf(body: MergeBody, number: string): string {
  return number === body.survivorId
    ? 'body.survivorId'
    : `body.customerIds.${body.customerIds.indexOf(number)}`;
}

async function refuseMergedNumbers(ctx: Ctx, body: MergeBody, rows: readonly CustomerRow[]): Promise<void> {
  const aliases = rows.filter((row) => row.status === 'merged');
  if (aliases.length === 0) return;
  const survivors = await repo.customerNumbersById(
    ctx.tx,
    aliases.map((row) => row.mergedInto as string),
  );
  const named = aliases.map((row) => ({ row, survivor: survivors.get(row.mergedInto as string) }));
  const errors = named.map(({ row, survivor }) => ({
    field: fieldOf(body, row.customerId),
    message: `was merged into ${survivor}`,
  }));
  const detail = named.map(({ row, survivor }) => `${row.customerId} was already merged into ${survivor}`);
  throw new Problem('rule_violated', `${detail.join('; ')}; name the customer it was merged into instead.`, {
    errors,
  });
}

/**
 * The survivor keeps its defaults; a kind of default it lacks comes from the oldest merged customer that has
 * one. Every other moved address loses that default (one of each kind per customer).
 */
async function moveAddresses(ctx: Ctx, survivor: CustomerRow, merged: readonly CustomerRow[], now: Date) {
  const mergedIds = merged.map((row) => row.id);
  const has = await repo.survivorDefaults(ctx.tx, survivor.id);
  const defaults = await repo.defaultAddressesOf(ctx.tx, mergedIds);
  const age = new Map(mergedIds.map((id, index) => [id, index]));
  defaults.sort((a, b) => (age.get(a.customerUuid) ?? 0) - (age.get(b.customerUuid) ?? 0));
  for (const kind of ['defaultShipping', 'defaultBilling'] as const) {
    const holders = defaults.filter((address) => address[kind]).map((address) => address.id);
    await repo.clearDefaults(ctx.tx, has[kind] ? holders : holders.slice(1), kind, now);
  }
  await repo.moveAddresses(ctx.tx, survivor.id, mergedIds, now);
}

/** What the survivor lacks, from the merged customers oldest first. Marketing consent stays the survivor's. */
async function missingFields(ctx: Ctx, survivor: CustomerRow, merged: readonly CustomerRow[]) {
  const fields: repo.FilledFields = {};
  const lacks = (field: keyof repo.FilledFields) => !survivor[field] && fields[field] === undefined;
  for (const row of merged) {
    if (lacks('email') && row.email)
      Object.assign(fields, { email: row.email, emailNormalized: row.emailNormalized });
    if (lacks('phone') && row.phone)
      Object.assign(fields, { phone: row.phone, phoneNormalized: row.phoneNormalized });
    if (lacks('firstName') && row.firstName) fields.firstName = row.firstName;
    if (lacks('lastName') && row.lastName) fields.lastName = row.lastName;
    if (lacks('birthDate') && row.birthDate) fields.birthDate = row.birthDate;
    // The merged customers are no longer active here, so only a customer outside the merge can hold it.
    if (
      lacks('loyaltyId') &&
      row.loyaltyId &&
      !(await findLoyaltyHolder(ctx.tx, ctx.tenantId, row.loyaltyId))
    ) {
      fields.loyaltyId = row.loyaltyId;
    }
  }
  return fields;
}

// Links: possible duplicates, found on create or linked by hand.

export async function listLinks(ctx: Ctx, customerId: string): Promise<{ data: CustomerLink[] }> {
  const customer = await requireCustomer(ctx, customerId);
  const rows = await repo.linksOf(ctx.tx, customer.id);
  return { data: rows.map((row) => ({ ...row, createdAt: row.createdAt.getTime() })) };
}

/** Links two customers by hand; a pair already linked is answered as it is. */
export async function linkCustomers(ctx: Ctx, customerId: string, otherId: string): Promise<CustomerLink> {
  const customer = await requireCustomer(ctx, customerId);
  const other = await findByNumber(ctx.tx, otherId);
  if (!other) {
    throw new Problem('unknown_reference', `No customer has the number ${otherId}.`, {
      errors: [{ field: 'body.customerId', message: 'no customer has this number' }],
    });
  }
  if (other.status === 'merged') {
    const survivor = await repo.customerNumbersById(ctx.tx, [other.mergedInto as string]);
    throw new Problem(
      'rule_violated',
      `${otherId} was merged into ${survivor.get(other.mergedInto as string)}; a merged customer cannot be linked.`,
    );
  }
  if (other.id === customer.id) {
    throw new Problem('rule_violated', `A customer cannot be linked to itself (${customer.customerId}).`);
  }
  const inserted = await repo.insertLink(ctx.tx, ctx.tenantId, customer.id, other.id, ctx.now());
  const link = inserted ?? (await repo.findLink(ctx.tx, customer.id, other.id));
  if (!link) throw new Error('the link was neither inserted nor found');
  if (inserted) {
    await emit(ctx, {
      type: 'customer.linked',
      subject: customer.customerId,
      data: { customerId: customer.customerId, linkedCustomerId: other.customerId, reason: 'manual' },
    });
  }
  return { customerId: other.customerId, reason: link.reason, createdAt: link.createdAt.getTime() };
}

/** Removes the link (the two are not the same person); answers it as it was. */
export async function unlinkCustomers(ctx: Ctx, customerId: string, otherId: string): Promise<CustomerLink> {
  const customer = await requireCustomer(ctx, customerId);
  const other = await findCustomer(ctx, otherId);
  const removed = other ? await repo.deleteLink(ctx.tx, customer.id, other.id) : undefined;
  if (!other || !removed) {
    throw new Problem('not_found', `Customer ${customer.customerId} has no link to ${otherId}.`);
  }
  return { customerId: other.customerId, reason: removed.reason, createdAt: removed.createdAt.getTime() };
}
