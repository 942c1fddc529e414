import { z } from 'zod';
import { callSpi } from '../../integrations/spi/call-spi.ts';
import type { Ctx } from '../../platform/context.ts';
import * as repo from './repo.ts';
import type { EmployeeCheck, EmployeeVerdict } from './schemas.ts';

/** The VERIFY_EMPLOYEE SPI: POST `<url>/<api_version>/sa/employee/verification` with `{ associateId, storeId? }`. */
export const VERIFY_EMPLOYEE_PATH = '/sa/employee/verification';

const employeeAnswer = z.object({
  verified: z.boolean(),
  name: z.string().min(1).max(200).optional(),
});

type EmployeeAnswer = z.output<typeof employeeAnswer>;

/**
 * Whether someone is a current employee, for employee discounts at the register. The merchant's VERIFY_EMPLOYEE
 * SPI decides when one is configured; otherwise, or when it fails, Backroom's own associates do.
 */
export async function verifyEmployee(ctx: Ctx, check: EmployeeCheck): Promise<EmployeeVerdict> {
  const result = await callSpi(
    ctx,
    'VERIFY_EMPLOYEE',
    { path: VERIFY_EMPLOYEE_PATH, body: check, response: employeeAnswer },
    { fallback: () => verifiedByBackroom(ctx, check) },
  );
  const { verified, name } = result.value;
  return {
    verified,
    associateId: check.associateId,
    ...(verified && name ? { name } : {}),
    source: result.source === 'spi' ? 'spi' : 'builtin',
  };
}

/** An active associate is an employee; of a store when the store is among theirs. */
async function verifiedByBackroom(ctx: Ctx, check: EmployeeCheck): Promise<EmployeeAnswer> {
  const associate = await repo.findAssociate(ctx.tx, check.associateId);
  if (!associate?.active) return { verified: false };
  if (check.storeId && !associate.storeIds.includes(check.storeId)) return { verified: false };
  return { verified: true, name: `${associate.firstName} ${associate.lastName}` };
}
