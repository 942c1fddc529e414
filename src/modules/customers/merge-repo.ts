import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { CustomerRow } from './lookup.ts';

/**
 * The customers with these numbers, locked, in uuid order: every merge locks its customers in the same order,
 * so two merges over the same customers wait for each other instead of deadlocking. FOR UPDATE answers the
 * rows as they are after any merge that held them commits.
 */
export function lockCustomersByNumber(tx: Tx, customerIds: readonly string[]): Promise<CustomerRow[]> {
  return tx
    .selectFrom('customers')
    .selectAll()
    .where('customerId', 'in', customerIds)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function customerNumbersById(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('customers').select(['id', 'customerId']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.customerId]));
}

/** Marks the customers merged into the survivor, and repoints their own aliases at it: aliases are one hop. */
export async function markMerged(
  tx: Tx,
  survivor: string,
  merged: readonly string[],
  now: Date,
): Promise<void> {
  await tx
    .updateTable('customers')
    .set({ status: 'merged', mergedInto: survivor, updatedAt: now })
    .where((eb) => eb.or([eb('id', 'in', merged), eb('mergedInto', 'in', merged)]))
    .execute();
}

export type FilledFields = Partial<
  Pick<
    CustomerRow,
    | 'email'
    | 'emailNormalized'
    | 'phone'
    | 'phoneNormalized'
    | 'firstName'
    | 'lastName'
    | 'birthDate'
    | 'loyaltyId'
  >
>;

export async function fillCustomer(tx: Tx, id: string, fields: FilledFields, now: Date): Promise<void> {
  await tx
    .updateTable('customers')
    .set({ ...fields, updatedAt: now })
    .where('id', '=', id)
    .execute();
}

export async function survivorDefaults(tx: Tx, survivor: string) {
  const rows = await tx
    .selectFrom('customerAddresses')
    .select(['defaultShipping', 'defaultBilling'])
    .where('customerUuid', '=', survivor)
    .where((eb) => eb.or([eb('defaultShipping', '=', true), eb('defaultBilling', '=', true)]))
    .execute();
  return {
    defaultShipping: rows.some((row) => row.defaultShipping),
    defaultBilling: rows.some((row) => row.defaultBilling),
  };
}

export function defaultAddressesOf(tx: Tx, customers: readonly string[]) {
  return tx
    .selectFrom('customerAddresses')
    .select(['id', 'customerUuid', 'defaultShipping', 'defaultBilling'])
    .where('customerUuid', 'in', customers)
    .where((eb) => eb.or([eb('defaultShipping', '=', true), eb('defaultBilling', '=', true)]))
    .execute();
}

export async function clearDefaults(
  tx: Tx,
  addressIds: readonly string[],
  kind: 'defaultShipping' | 'defaultBilling',
  now: Date,
): Promise<void> {
  if (addressIds.length === 0) return;
  await tx
    .updateTable('customerAddresses')
    .set({ [kind]: false, updatedAt: now })
    .where('id', 'in', addressIds)
    .execute();
}

export async function moveAddresses(tx: Tx, survivor: string, merged: readonly string[], now: Date) {
  await tx
    .updateTable('customerAddresses')
    .set({ customerUuid: survivor, updatedAt: now })
    .where('customerUuid', 'in', merged)
    .execute();
}

/** The merged customers' carts and orders become the survivor's: their history follows them. */
export async function moveCartsAndOrders(tx: Tx, survivor: string, merged: readonly string[], now: Date) {
  await tx
    .updateTable('carts')
    .set({ customerUuid: survivor, updatedAt: now })
    .where('customerUuid', 'in', merged)
    .execute();
  await tx
    .updateTable('orders')
    .set({ customerUuid: survivor, updatedAt: now })
    .where('customerUuid', 'in', merged)
    .execute();
}

/**
 * Gives the survivor the links the merged customers had to customers outside the merge (the oldest link to
 * each, none twice, none to itself), then removes every link of the merged customers — those among them too.
 */
export async function moveLinks(tx: Tx, tenantId: string, survivor: string, merged: readonly string[]) {
  await sql`
    insert into customer_links (tenant_id, customer_a, customer_b, reason, created_at)
    select distinct on (other) ${tenantId}::uuid, least(${survivor}::uuid, other), greatest(${survivor}::uuid, other),
      reason, created_at
    from (
      select case when customer_a = any(${merged}::uuid[]) then customer_b else customer_a end as other,
        reason, created_at
      from customer_links
      where customer_a = any(${merged}::uuid[]) or customer_b = any(${merged}::uuid[])
    ) as moving
    where other <> ${survivor}::uuid and other <> all(${merged}::uuid[])
    order by other, created_at
    on conflict do nothing`.execute(tx);
  await tx
    .deleteFrom('customerLinks')
    .where((eb) => eb.or([eb('customerA', 'in', merged), eb('customerB', 'in', merged)]))
    .execute();
}

// Links: a pair is stored once, the smaller uuid first.

function pair(one: string, other: string): [string, string] {
  return one < other ? [one, other] : [other, one];
}

export function linksOf(tx: Tx, customer: string) {
  return tx
    .selectFrom('customerLinks')
    .innerJoin('customers', (join) =>
      join.on((eb) =>
        eb.or([
          eb.and([
            eb('customerLinks.customerA', '=', customer),
            eb('customers.id', '=', eb.ref('customerLinks.customerB')),
          ]),
          eb.and([
            eb('customerLinks.customerB', '=', customer),
            eb('customers.id', '=', eb.ref('customerLinks.customerA')),
          ]),
        ]),
      ),
    )
    .select(['customers.customerId', 'customerLinks.reason', 'customerLinks.createdAt'])
    .orderBy('customerLinks.createdAt')
    .orderBy('customers.customerId')
    .execute();
}

export function findLink(tx: Tx, one: string, other: string) {
  const [a, b] = pair(one, other);
  return tx
    .selectFrom('customerLinks')
    .select(['reason', 'createdAt'])
    .where('customerA', '=', a)
    .where('customerB', '=', b)
    .executeTakeFirst();
}

/** Inserts the link, or returns undefined when the pair is already linked. */
export function insertLink(tx: Tx, tenantId: string, one: string, other: string, now: Date) {
  const [customerA, customerB] = pair(one, other);
  return tx
    .insertInto('customerLinks')
    .values({ tenantId, customerA, customerB, reason: 'manual', createdAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'customerA', 'customerB']).doNothing())
    .returning(['reason', 'createdAt'])
    .executeTakeFirst();
}

export function deleteLink(tx: Tx, one: string, other: string) {
  const [a, b] = pair(one, other);
  return tx
    .deleteFrom('customerLinks')
    .where('customerA', '=', a)
    .where('customerB', '=', b)
    .returning(['reason', 'createdAt'])
    .executeTakeFirst();
}
