import type { Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import type { CustomersTable } from './tables.ts';

export type CustomerRow = Selectable<CustomersTable>;

/**
 * The active customer a customer number stands for: the customer itself, or — for a number merged into
 * another — the survivor. A merge repoints every alias at the final survivor, so one hop is enough.
 * With `lock`, the survivor's row is locked for the rest of the transaction.
 */
export async function findCustomer(
  ctx: Ctx,
  customerId: string,
  options: { lock?: boolean } = {},
): Promise<CustomerRow | undefined> {
  const row = await ctx.tx
    .selectFrom('customers')
    .selectAll()
    .where('customerId', '=', customerId)
    .executeTakeFirst();
  if (!row) return undefined;
  const id = row.status === 'merged' && row.mergedInto ? row.mergedInto : row.id;
  let query = ctx.tx.selectFrom('customers').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Like findCustomer, but a 404 problem naming the number when there is no such customer. */
export async function requireCustomer(
  ctx: Ctx,
  customerId: string,
  options: { lock?: boolean } = {},
): Promise<CustomerRow> {
  const customer = await findCustomer(ctx, customerId, options);
  if (!customer) throw new Problem('not_found', `No customer has the number ${customerId}.`);
  return customer;
}
