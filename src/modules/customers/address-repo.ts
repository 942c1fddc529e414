import type { Selectable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { CustomerAddressesTable } from './tables.ts';

export type AddressRow = Omit<Selectable<CustomerAddressesTable>, 'tenantId'>;

export type AddressValues = Omit<AddressRow, 'id' | 'customerUuid' | 'createdAt' | 'updatedAt'>;

export type DefaultKind = 'defaultShipping' | 'defaultBilling';

/** The columns an address's owner sets: the rest are Backroom's. */
export const editableColumns = [
  'label',
  'name',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
  'phone',
  'defaultShipping',
  'defaultBilling',
] as const;

const columns = ['id', 'customerUuid', ...editableColumns, 'createdAt', 'updatedAt'] as const;

export function listAddressRows(tx: Tx, customerUuid: string) {
  return tx
    .selectFrom('customerAddresses')
    .select(columns)
    .where('customerUuid', '=', customerUuid)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function countAddresses(tx: Tx, customerUuid: string): Promise<number> {
  const row = await tx
    .selectFrom('customerAddresses')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('customerUuid', '=', customerUuid)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function findAddressRow(tx: Tx, customerUuid: string, addressId: string) {
  return tx
    .selectFrom('customerAddresses')
    .select(columns)
    .where('customerUuid', '=', customerUuid)
    .where('id', '=', addressId)
    .executeTakeFirst();
}

export function insertAddress(
  tx: Tx,
  tenantId: string,
  customerUuid: string,
  values: AddressValues,
  now: Date,
) {
  return tx
    .insertInto('customerAddresses')
    .values({ ...values, tenantId, customerUuid, createdAt: now, updatedAt: now })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function updateAddressRow(tx: Tx, addressId: string, values: AddressValues, now: Date) {
  return tx
    .updateTable('customerAddresses')
    .set({ ...values, updatedAt: now })
    .where('id', '=', addressId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function deleteAddressRow(tx: Tx, addressId: string) {
  return tx.deleteFrom('customerAddresses').where('id', '=', addressId).execute();
}

/** Takes the `kind` default away from every address of the customer but `keepAddressId`. */
export async function clearDefault(
  tx: Tx,
  customerUuid: string,
  kind: DefaultKind,
  now: Date,
  keepAddressId?: string,
) {
  let query = tx
    .updateTable('customerAddresses')
    .set({ [kind]: false, updatedAt: now })
    .where('customerUuid', '=', customerUuid)
    .where(kind, '=', true);
  if (keepAddressId) query = query.where('id', '!=', keepAddressId);
  await query.execute();
}
