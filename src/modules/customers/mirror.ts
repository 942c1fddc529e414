import type { SpiResult } from '../../integrations/spi/call-spi.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import type { Page } from '../../platform/http/pagination.ts';
import { findStores } from '../stores/service.ts';
import { requireCustomer } from './lookup.ts';
import type { MasterCustomer } from './master.ts';
import { normalizeEmail, normalizePhone } from './normalize.ts';
import * as repo from './repo.ts';
import type {
  CreatedCustomer,
  Customer,
  CustomerDetail,
  CustomerListQuery,
  CustomerSource,
  CustomerUpdate,
  NewCustomer,
} from './schemas.ts';
import {
  createCustomer,
  customerDetail,
  customerView,
  editableFields,
  getCustomer,
  listCustomers,
  updatable,
  updateCustomer,
} from './service.ts';

/**
 * When the merchant's system is the customer master, Backroom keeps a mirror of what it answers: the row with
 * the master's number is inserted or brought up to date, without duplicate detection (the master decides).
 * Whatever the master did not answer, Backroom answers itself from its own records.
 */

type Fields = ReturnType<typeof editableFields>;

/** Where an answer came from: `spi` when mirrored from the master, `backroom` when the master was asked in vain. */
function sourceOf(master: SpiResult<unknown>, mirrored: boolean): { source?: CustomerSource } {
  if (mirrored) return { source: 'spi' };
  return master.answered || master.failure ? { source: 'backroom' } : {};
}

/**
 * The master's customer as Backroom's fields. Names, contacts, birth date and loyalty id are the master's,
 * absent ones cleared; channel, origin store, marketing consent and note are kept when the master leaves them
 * out. A loyalty id another Backroom customer holds is left off the mirror, as it must stay unique.
 */
async function mirroredFields(
  ctx: Ctx,
  master: MasterCustomer,
  existing?: repo.CustomerRow,
): Promise<Fields> {
  const current = existing ? editableFields(existing) : undefined;
  const storeId = master.storeId ?? current?.storeId ?? null;
  const country =
    master.phone && storeId ? (await findStores(ctx, [storeId])).get(storeId)?.address?.country : undefined;
  let loyaltyId = master.loyaltyId ?? null;
  if (loyaltyId && (await repo.findLoyaltyHolder(ctx.tx, ctx.tenantId, loyaltyId, existing?.id))) {
    ctx.platform.log.warn(
      { customerId: master.customerId, requestId: ctx.requestId },
      "the master's loyalty id belongs to another customer in Backroom; mirrored without it",
    );
    loyaltyId = null;
  }
  return {
    firstName: master.firstName ?? null,
    lastName: master.lastName ?? null,
    email: master.email ?? null,
    phone: master.phone ?? null,
    phoneNormalized: normalizePhone(master.phone, country),
    birthDate: master.birthDate ?? null,
    loyaltyId,
    channel: master.channel ?? current?.channel ?? 'import',
    storeId,
    marketing: master.marketing ?? current?.marketing ?? { email: false, sms: false },
    note: master.note ?? current?.note ?? null,
  };
}

function columns(fields: Fields) {
  return {
    firstName: fields.firstName,
    lastName: fields.lastName,
    email: fields.email,
    emailNormalized: normalizeEmail(fields.email),
    phone: fields.phone,
    phoneNormalized: fields.phoneNormalized,
    birthDate: fields.birthDate,
    loyaltyId: fields.loyaltyId,
    channel: fields.channel,
    originStoreId: fields.storeId,
    emailMarketing: fields.marketing.email,
    smsMarketing: fields.marketing.sms,
    note: fields.note,
  };
}

async function updateMirror(ctx: Ctx, existing: repo.CustomerRow, next: Fields): Promise<repo.CustomerRow> {
  const current = editableFields(existing);
  const changed = updatable.filter((key) => JSON.stringify(current[key]) !== JSON.stringify(next[key]));
  if (changed.length === 0) return existing;
  const now = ctx.now();
  const row = await repo.updateCustomerRow(ctx.tx, existing.id, {
    ...columns(next),
    ...(changed.includes('marketing') ? { consentUpdatedAt: now } : {}),
    updatedAt: now,
  });
  const customer = customerView(row);
  await emit(ctx, { type: 'customer.updated', subject: customer.customerId, data: { customer, changed } });
  return row;
}

/**
 * Inserts or updates Backroom's copy of the master's customer, emitting `customer.created` or
 * `customer.updated` (nothing when the copy is already up to date). A number Backroom merged into another
 * customer is left alone: answers undefined.
 */
export async function mirrorCustomer(
  ctx: Ctx,
  master: MasterCustomer,
): Promise<repo.CustomerRow | undefined> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await repo.findByNumber(ctx.tx, master.customerId, { lock: true });
    if (existing?.status === 'merged') return undefined;
    const fields = await mirroredFields(ctx, master, existing);
    if (existing) return updateMirror(ctx, existing, fields);
    const now = ctx.now();
    const row = await repo.insertCustomer(
      ctx.tx,
      ctx.tenantId,
      {
        customerId: master.customerId,
        ...columns(fields),
        consentUpdatedAt: master.marketing ? now : null,
        mergedInto: null,
      },
      now,
    );
    if (row) {
      const customer = customerView(row);
      await emit(ctx, { type: 'customer.created', subject: customer.customerId, data: { customer } });
      return row;
    }
    // Another request mirrored this number, or took the loyalty id, since the look-up: look again.
  }
  throw new Error(`mirroring customer ${master.customerId} kept conflicting`);
}

/** GET_CUSTOMER: the master's customer, mirrored; else Backroom's own record (404 when there is none). */
export async function getCustomerFromMaster(
  ctx: Ctx,
  customerId: string,
  master: SpiResult<MasterCustomer>,
): Promise<CustomerDetail> {
  const row = master.answered ? await mirrorCustomer(ctx, master.value) : undefined;
  if (!row) return { ...(await getCustomer(ctx, customerId)), ...sourceOf(master, false) };
  return customerDetail(ctx, row, customerId, { source: 'spi' as const });
}

/**
 * SEARCH_CUSTOMERS: the master's list, mirrored, as one page without a cursor (at most `limit` customers);
 * else Backroom's own search. Rows are locked in number order so concurrent searches cannot deadlock.
 */
export async function searchThroughMaster(
  ctx: Ctx,
  query: CustomerListQuery,
  master: SpiResult<MasterCustomer[]>,
): Promise<Page<Customer> & { source?: CustomerSource }> {
  if (!master.answered) return { ...(await listCustomers(ctx, query)), ...sourceOf(master, false) };
  const firstOfEach = new Map<string, MasterCustomer>();
  for (const customer of master.value) {
    if (!firstOfEach.has(customer.customerId)) firstOfEach.set(customer.customerId, customer);
  }
  const wanted = [...firstOfEach.values()].slice(0, query.limit);
  const rows = new Map<string, repo.CustomerRow>();
  const inNumberOrder = [...wanted].sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  for (const customer of inNumberOrder) {
    const row = await mirrorCustomer(ctx, customer);
    if (row) rows.set(customer.customerId, row);
  }
  const data = wanted.flatMap((customer) => {
    const row = rows.get(customer.customerId);
    return row ? [customerView(row)] : [];
  });
  return { data, nextCursor: null, source: 'spi' };
}

/**
 * CREATE_CUSTOMER: the customer the master created, mirrored (201). When the master could not be reached or
 * refused, Backroom creates the customer itself as without a master; the failed call is recorded and
 * monitored, and the master does not have the customer.
 */
export async function createThroughMaster(
  ctx: Ctx,
  input: NewCustomer,
  master: SpiResult<MasterCustomer>,
): Promise<CreatedCustomer> {
  if (!master.answered) {
    const created = await createCustomer(ctx, input);
    if (master.failure) {
      ctx.platform.log.warn(
        { customerId: created.customerId, failure: master.failure, requestId: ctx.requestId },
        "CREATE_CUSTOMER failed: the customer was created in Backroom only, the merchant's system lacks it",
      );
    }
    return { ...created, ...sourceOf(master, false) };
  }
  const row =
    (await mirrorCustomer(ctx, master.value)) ?? (await requireCustomer(ctx, master.value.customerId));
  return customerView(row, { source: 'spi' as const });
}

/**
 * UPDATE_CUSTOMER: the customer as the master has it after the change, mirrored; when the master could not be
 * reached or refused, Backroom changes its own record as without a master (the failed call is recorded and
 * monitored, and the master lacks the change).
 */
export async function updateThroughMaster(
  ctx: Ctx,
  customerId: string,
  update: CustomerUpdate,
  master: SpiResult<MasterCustomer>,
): Promise<Customer & { source?: CustomerSource }> {
  const row = master.answered ? await mirrorCustomer(ctx, master.value) : undefined;
  if (row) return customerView(row, { source: 'spi' as const });
  if (!master.answered && master.failure) {
    ctx.platform.log.warn(
      { customerId, failure: master.failure, requestId: ctx.requestId },
      "UPDATE_CUSTOMER failed: the change was made in Backroom only, the merchant's system lacks it",
    );
  }
  return { ...(await updateCustomer(ctx, customerId, update)), ...sourceOf(master, false) };
}
