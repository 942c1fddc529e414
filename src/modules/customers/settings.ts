import type { Ctx } from '../../platform/context.ts';
import * as repo from './repo.ts';
import type { CustomerSettings } from './schemas.ts';

const DEFAULT_SETTINGS: CustomerSettings = { duplicatePolicy: 'return_existing' };

export async function getCustomerSettings(ctx: Ctx): Promise<CustomerSettings> {
  return (await repo.findSettings(ctx.tx)) ?? DEFAULT_SETTINGS;
}

export async function updateCustomerSettings(
  ctx: Ctx,
  settings: CustomerSettings,
): Promise<CustomerSettings> {
  return repo.saveSettings(ctx.tx, ctx.tenantId, settings.duplicatePolicy, ctx.now());
}

/** The next generated customer number not yet taken: `C` and 8 digits, such as C00000042. */
export async function nextCustomerNumber(ctx: Ctx): Promise<string> {
  for (;;) {
    const number = await repo.takeNextNumber(ctx.tx, ctx.tenantId, ctx.now());
    const customerId = `C${String(number).padStart(8, '0')}`;
    if (!(await repo.customerIdTaken(ctx.tx, customerId))) return customerId;
  }
}
