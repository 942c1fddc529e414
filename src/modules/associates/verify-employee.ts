import { z } from 'zod';
import { callSpi, type SpiResult } from '../../integrations/spi/call-spi.ts';
import type { Ctx, OutsideCtx } from '../../platform/context.ts';
import * as repo from './repo.ts';
import type { EmployeeCheck, EmployeeVerdict } from './schemas.ts';

/** The VERIFY_EMPLOYEE SPI: POST `<url>/<api_version>/sa/employee/verification` with `{ associateId, storeId? }`. */
export const VERIFY_EMPLOYEE_PATH = '/sa/employee/verification';

const employeeAnswer = z.object({
  verified: z.boolean(),
  name: z.string().min(1).max(200).optional(),
});

type EmployeeAnswer = z.output<typeof employeeAnswer>;

export type MerchantVerdict = SpiResult<EmployeeAnswer>;

/**
 * Asks the merchant's VERIFY_EMPLOYEE SPI, when one is configured. Outside any transaction (the route's
 * `prepare`): the call may wait up to the connector's timeout.
 */
export function askMerchant(ctx: OutsideCtx, check: EmployeeCheck): Promise<MerchantVerdict> {
  return callSpi(ctx, 'VERIFY_EMPLOYEE', {
    path: VERIFY_EMPLOYEE_PATH,
    body: check,
    response: employeeAnswer,
  });
}

/**
 * Whether someone is a current employee, for employee discounts at the register: the merchant's answer when
 * its SPI gave one; otherwise (none configured, or it failed) Backroom's own associates decide.
 */
export async function verifyEmployee(
  ctx: Ctx,
  check: EmployeeCheck,
  merchant: MerchantVerdict,
): Promise<EmployeeVerdict> {
  const { verified, name } = merchant.answered ? merchant.value : await verifiedByBackroom(ctx, check);
  return {
    verified,
    associateId: check.associateId,
    ...(verified && name ? { name } : {}),
    source: merchant.answered ? 'spi' : 'backroom',
  };
}

/** An active associate is an employee; of a store when the store is among theirs. */
async function verifiedByBackroom(ctx: Ctx, check: EmployeeCheck): Promise<EmployeeAnswer> {
  const associate = await repo.findAssociate(ctx.tx, check.associateId);
  if (!associate?.active) return { verified: false };
  if (check.storeId && !associate.storeIds.includes(check.storeId)) return { verified: false };
  return { verified: true, name: `${associate.firstName} ${associate.lastName}` };
}
