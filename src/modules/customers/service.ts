import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { findStores } from '../stores/service.ts';
import { requireCustomer } from './lookup.ts';
import { normalizeEmail, normalizePhone } from './normalize.ts';
import * as repo from './repo.ts';
import type {
  CreatedCustomer,
  Customer,
  CustomerDetail,
  CustomerListQuery,
  CustomerUpdate,
  NewCustomer,
} from './schemas.ts';
import { getCustomerSettings, nextCustomerNumber } from './settings.ts';

/** A `date` column as `YYYY-MM-DD`, whether the driver gave a string or a Date at local midnight. */
function dateText(value: string | Date | null): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** The answer shape of a customer: absent fields are left out. `extras` are added as they are. */
export function customerView<E extends object = Record<never, never>>(
  row: repo.CustomerRow,
  extras?: E,
): Customer & E {
  const birthDate = dateText(row.birthDate as string | Date | null);
  const optional = {
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    phoneNormalized: row.phoneNormalized,
    birthDate,
    loyaltyId: row.loyaltyId,
  };
  return {
    customerId: row.customerId,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
    channel: row.channel,
    ...(row.originStoreId ? { storeId: row.originStoreId } : {}),
    marketing: {
      email: row.emailMarketing,
      sms: row.smsMarketing,
      ...(row.consentUpdatedAt ? { updatedAt: row.consentUpdatedAt.getTime() } : {}),
    },
    ...(row.note !== null ? { note: row.note } : {}),
    status: row.status,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    ...extras,
  } as Customer & E;
}

/** The country of the store's address, refusing a storeId that names no store. */
async function originStoreCountry(ctx: Ctx, storeId: string): Promise<string | undefined> {
  const store = (await findStores(ctx, [storeId])).get(storeId);
  if (!store) {
    throw new Problem('unknown_reference', `No store has storeId "${storeId}".`, {
      errors: [{ field: 'body.storeId', message: 'no store has this storeId' }],
    });
  }
  return store.address?.country;
}

function alreadyExists(customerId: string): Problem {
  return new Problem('already_exists', `A customer with the number ${customerId} already exists.`, {
    errors: [{ field: 'body.customerId', message: 'is taken' }],
  });
}

async function assertLoyaltyFree(ctx: Ctx, loyaltyId: string, exceptId?: string): Promise<void> {
  const holder = await repo.findLoyaltyHolder(ctx.tx, ctx.tenantId, loyaltyId, exceptId);
  if (holder) {
    throw new Problem(
      'duplicate_value',
      `Loyalty id "${loyaltyId}" belongs to customer ${holder.customerId}.`,
      {
        errors: [{ field: 'body.loyaltyId', message: 'is used by another customer' }],
      },
    );
  }
}

/**
 * Creates a customer, or — when an active customer has the same normalised e-mail or phone — answers that one
 * (`matched`) or creates and links to it, as the merchant's duplicate policy says. Locks on the normalised
 * contact make the lookup and the insert one step for concurrent creates.
 */
export async function createCustomer(ctx: Ctx, input: NewCustomer): Promise<CreatedCustomer> {
  const storeCountry = input.storeId ? await originStoreCountry(ctx, input.storeId) : undefined;
  const emailNormalized = normalizeEmail(input.email);
  const phoneNormalized = normalizePhone(input.phone, input.phoneCountry ?? storeCountry);
  if (input.customerId && (await repo.customerIdTaken(ctx.tx, input.customerId))) {
    throw alreadyExists(input.customerId);
  }

  if (emailNormalized) await repo.lockContact(ctx.tx, ctx.tenantId, 'email', emailNormalized);
  if (phoneNormalized) await repo.lockContact(ctx.tx, ctx.tenantId, 'phone', phoneNormalized);
  const matches = await repo.findByContact(ctx.tx, emailNormalized, phoneNormalized);
  const matchedBy = (row: repo.CustomerRow) =>
    emailNormalized && row.emailNormalized === emailNormalized ? ('email' as const) : ('phone' as const);
  const { duplicatePolicy } = await getCustomerSettings(ctx);
  const first = matches.find((row) => matchedBy(row) === 'email') ?? matches[0];
  if (first && !input.allowDuplicate && duplicatePolicy === 'return_existing') {
    return customerView(first, { matched: { by: matchedBy(first), customerId: first.customerId } });
  }

  if (input.loyaltyId) await assertLoyaltyFree(ctx, input.loyaltyId);
  const now = ctx.now();
  let row: repo.CustomerRow | undefined;
  while (!row) {
    const customerId = input.customerId ?? (await nextCustomerNumber(ctx));
    row = await repo.insertCustomer(
      ctx.tx,
      ctx.tenantId,
      {
        customerId,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        email: input.email ?? null,
        emailNormalized,
        phone: input.phone ?? null,
        phoneNormalized,
        birthDate: input.birthDate ?? null,
        loyaltyId: input.loyaltyId ?? null,
        channel: input.channel,
        originStoreId: input.storeId ?? null,
        emailMarketing: input.marketing?.email ?? false,
        smsMarketing: input.marketing?.sms ?? false,
        consentUpdatedAt: input.marketing ? now : null,
        note: input.note ?? null,
        mergedInto: null,
      },
      now,
    );
    if (row) break;
    // Another request took the number (a generated one: take the next) or the loyalty id since the checks.
    if (await repo.customerIdTaken(ctx.tx, customerId)) {
      if (input.customerId) throw alreadyExists(customerId);
      continue;
    }
    if (input.loyaltyId) await assertLoyaltyFree(ctx, input.loyaltyId);
    throw new Error('customer insert conflicted on neither its number nor its loyalty id');
  }
  const created = row;

  const customer = customerView(created);
  await emit(ctx, { type: 'customer.created', subject: customer.customerId, data: { customer } });
  if (matches.length === 0) return customer;

  const links = matches.map((match) => {
    // The same order PostgreSQL compares uuids in: the lower-case text sorts like the bytes.
    const [customerA, customerB] = [match.id, created.id].sort() as [string, string];
    return { customerA, customerB, reason: matchedBy(match), createdAt: now };
  });
  await repo.insertLinks(ctx.tx, ctx.tenantId, links);
  for (const match of matches) {
    await emit(ctx, {
      type: 'customer.linked',
      subject: customer.customerId,
      data: { customerId: customer.customerId, linkedCustomerId: match.customerId, reason: matchedBy(match) },
    });
  }
  return { ...customer, linkedCustomerIds: matches.map((match) => match.customerId) };
}

export async function getCustomer(ctx: Ctx, customerId: string): Promise<CustomerDetail> {
  return customerDetail(ctx, await requireCustomer(ctx, customerId), customerId);
}

/** The customer with its aliases, and the number asked for when that was an alias. */
export async function customerDetail<E extends object = Record<never, never>>(
  ctx: Ctx,
  row: repo.CustomerRow,
  requestedCustomerId: string,
  extras?: E,
): Promise<CustomerDetail & E> {
  const aliases = await repo.aliasesOf(ctx.tx, row.id);
  return customerView(row, {
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(row.customerId !== requestedCustomerId ? { requestedCustomerId } : {}),
    ...extras,
  } as Omit<CustomerDetail, keyof Customer> & E);
}

export const updatable = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'phoneNormalized',
  'birthDate',
  'loyaltyId',
  'channel',
  'storeId',
  'marketing',
  'note',
] as const;

/** The fields a customer's owner may change, as compared on update and on mirroring. */
export function editableFields(row: repo.CustomerRow) {
  return {
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    phoneNormalized: row.phoneNormalized,
    birthDate: dateText(row.birthDate as string | Date | null),
    loyaltyId: row.loyaltyId,
    channel: row.channel,
    storeId: row.originStoreId,
    marketing: { email: row.emailMarketing, sms: row.smsMarketing },
    note: row.note,
  };
}

/**
 * Changes the given fields of the customer (a merged number changes its survivor); emits `customer.updated`
 * naming the fields that really changed, and leaves updatedAt alone when nothing did.
 */
export async function updateCustomer(
  ctx: Ctx,
  customerId: string,
  update: CustomerUpdate,
): Promise<Customer> {
  const row = await requireCustomer(ctx, customerId, { lock: true });
  const current = editableFields(row);
  const storeId = update.storeId === undefined ? current.storeId : update.storeId;
  const storeCountry =
    update.storeId || ((update.phone || update.phoneCountry) && storeId)
      ? await originStoreCountry(ctx, storeId as string)
      : undefined;
  const phone = update.phone === undefined ? current.phone : update.phone;
  const renormalize = update.phone !== undefined || update.phoneCountry !== undefined;
  const { next, changed } = applyChanges(
    current,
    {
      ...update,
      phoneNormalized: renormalize ? normalizePhone(phone, update.phoneCountry ?? storeCountry) : undefined,
      marketing: update.marketing ? { ...current.marketing, ...update.marketing } : undefined,
    },
    updatable,
  );
  if (changed.length === 0) return customerView(row);
  if (!next.email && !next.phone && !next.firstName && !next.lastName) {
    throw new Problem('validation_failed', 'A customer needs an e-mail, a phone or a name.', {
      errors: [{ field: 'body', message: 'needs an e-mail, a phone or a name' }],
    });
  }
  if (changed.includes('loyaltyId') && next.loyaltyId) await assertLoyaltyFree(ctx, next.loyaltyId, row.id);

  const now = ctx.now();
  const updated = await repo.updateCustomerRow(ctx.tx, row.id, {
    firstName: next.firstName,
    lastName: next.lastName,
    email: next.email,
    emailNormalized: normalizeEmail(next.email),
    phone: next.phone,
    phoneNormalized: next.phoneNormalized,
    birthDate: next.birthDate,
    loyaltyId: next.loyaltyId,
    channel: next.channel,
    originStoreId: next.storeId,
    emailMarketing: next.marketing.email,
    smsMarketing: next.marketing.sms,
    ...(changed.includes('marketing') ? { consentUpdatedAt: now } : {}),
    note: next.note,
    updatedAt: now,
  });
  const customer = customerView(updated);
  await emit(ctx, { type: 'customer.updated', subject: customer.customerId, data: { customer, changed } });
  return customer;
}

export async function listCustomers(ctx: Ctx, query: CustomerListQuery): Promise<Page<Customer>> {
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const bySync = query.updatedSince !== undefined;
  const after = key
    ? bySync
      ? { updatedAt: new Date(Number(key[0])), customerId: String(key[1]) }
      : { customerId: String(key[0]) }
    : undefined;
  const rows = await repo.listCustomerRows(ctx.tx, {
    emailNormalized: normalizeEmail(query.email) ?? undefined,
    phoneNormalized: normalizePhone(query.phone, query.phoneCountry) ?? undefined,
    namePrefix: query.name,
    loyaltyId: query.loyaltyId,
    channel: query.channel,
    storeId: query.storeId,
    updatedSince: bySync ? new Date(query.updatedSince as number) : undefined,
    after,
    limit: query.limit + 1,
  });
  return toPage(
    rows,
    query.limit,
    (row) => (bySync ? [row.updatedAt.getTime(), row.customerId] : [row.customerId]),
    (row) => customerView(row),
  );
}
