import { z } from 'zod';
import { booleanQuery } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';
import { storeIdSchema } from '../stores/schemas.ts';

export const associateIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'must be 1–64 letters, digits, dots, dashes, @ or underscores')
  .describe("The merchant's own id for the associate.");

export const associateRoleSchema = z
  .enum(['associate', 'lead', 'store_manager'])
  .describe('What the associate does in the store: sales associate, team lead or store manager.');

const pinSchema = z
  .string()
  .regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits')
  .describe(
    'Register sign-in PIN, 4–8 digits; not one digit repeated or a run such as 1234. Write-only: stored hashed.',
  );

const fields = {
  employeeNumber: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .describe("The associate's employee number, unique in the merchant environment."),
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: z.email(),
  storeIds: z
    .array(storeIdSchema)
    .min(1, 'must name at least one store')
    .max(1000, 'must not name more than 1,000 stores')
    .refine((ids) => new Set(ids).size === ids.length, 'must not name a store twice')
    .describe('The stores the associate works in; each must exist.'),
  role: associateRoleSchema,
  active: z.boolean(),
};

export const newAssociateSchema = z
  .strictObject({
    associateId: associateIdSchema,
    employeeNumber: fields.employeeNumber,
    firstName: fields.firstName,
    lastName: fields.lastName,
    email: fields.email.optional(),
    storeIds: fields.storeIds,
    role: fields.role.default('associate'),
    pin: pinSchema.optional(),
    active: fields.active.default(true),
  })
  .meta({ id: 'NewAssociate', example: { ...exampleAssociate(), pin: '4827' } });

export const associateUpdateSchema = z
  .strictObject({
    associateId: associateIdSchema,
    employeeNumber: fields.employeeNumber.optional(),
    firstName: fields.firstName.optional(),
    lastName: fields.lastName.optional(),
    email: fields.email.nullable().optional(),
    storeIds: fields.storeIds.optional(),
    role: fields.role.optional(),
    pin: pinSchema.nullable().optional(),
    active: fields.active.optional(),
  })
  .meta({
    id: 'AssociateUpdate',
    description:
      'The associate to change, by associateId, and the fields to change; null clears an optional field ' +
      '(a null pin removes the PIN).',
    example: { associateId: 'A-1001', storeIds: ['NYC-01', 'NYC-02'], role: 'lead' },
  });

export const associateSchema = z
  .object({
    associateId: associateIdSchema,
    employeeNumber: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().optional(),
    storeIds: z.array(z.string()),
    role: associateRoleSchema,
    hasPin: z.boolean().describe('Whether a PIN is set; the PIN itself is never returned.'),
    active: z.boolean(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'Associate',
    example: { ...exampleAssociate(), hasPin: true, createdAt: 1763800000000, updatedAt: 1763800000000 },
  });

export const associateListQuery = z.strictObject({
  ...pageQuery,
  storeId: storeIdSchema.optional().describe('Only associates who work in this store.'),
  associateId: associateIdSchema.optional(),
  active: booleanQuery,
});

export const associateParams = z.strictObject({ associateId: associateIdSchema });

export const associateDeleteQuery = z.strictObject({ associateId: associateIdSchema });

export const verifyPinBody = z
  .strictObject({ pin: z.string().min(1).max(64) })
  .meta({ id: 'PinCheck', example: { pin: '4827' } });

export const pinVerdictSchema = z
  .object({
    associateId: associateIdSchema,
    valid: z.boolean().describe('True only for an active associate whose PIN matches.'),
    lockedUntil: z
      .number()
      .int()
      .optional()
      .describe('Epoch ms. After 5 wrong PINs in a row, PIN sign-in is refused until then.'),
  })
  .meta({ id: 'PinVerdict', example: { associateId: 'A-1001', valid: true } });

export const verifyEmployeeBody = z
  .strictObject({
    associateId: associateIdSchema,
    storeId: storeIdSchema.optional().describe('When given, the associate must work in this store.'),
  })
  .meta({ id: 'EmployeeCheck', example: { associateId: 'A-1001', storeId: 'NYC-01' } });

export const employeeVerdictSchema = z
  .object({
    verified: z.boolean().describe('Whether the associate is a current employee (of the store, when given).'),
    associateId: associateIdSchema,
    name: z.string().optional().describe("The employee's name, when verified."),
    source: z
      .enum(['spi', 'backroom'])
      .describe(
        "Who decided: the merchant's VERIFY_EMPLOYEE SPI, or Backroom's own associates (no SPI configured, " +
          'or it failed).',
      ),
  })
  .meta({
    id: 'EmployeeVerdict',
    example: { verified: true, associateId: 'A-1001', name: 'Dana Reyes', source: 'spi' },
  });

export type NewAssociate = z.output<typeof newAssociateSchema>;
export type AssociateUpdate = z.output<typeof associateUpdateSchema>;
export type Associate = z.output<typeof associateSchema>;
export type AssociateListQuery = z.output<typeof associateListQuery>;
export type PinVerdict = z.output<typeof pinVerdictSchema>;
export type EmployeeCheck = z.output<typeof verifyEmployeeBody>;
export type EmployeeVerdict = z.output<typeof employeeVerdictSchema>;

function exampleAssociate() {
  return {
    associateId: 'A-1001',
    employeeNumber: 'E-1001',
    firstName: 'Dana',
    lastName: 'Reyes',
    email: 'dana.reyes@example.com',
    storeIds: ['NYC-01'],
    role: 'associate' as const,
    active: true,
  };
}
