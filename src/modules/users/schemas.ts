import { z } from 'zod';
import { ROLES } from '../../platform/auth/scopes.ts';
import { booleanQuery } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

const userIdSchema = z.string().min(1).max(100).describe("The user's id, a UUID Backroom assigned.");

export const userRoleSchema = z
  .enum(ROLES)
  .describe('System Admin (everything, including users), Store Manager, or Associate.');

const fields = {
  email: z.email().max(254).describe('Sign-in e-mail address, unique in the merchant environment.'),
  name: z.string().trim().min(1).max(200),
  role: userRoleSchema,
  active: z.boolean().describe('An inactive user cannot sign in.'),
};

export const newUserSchema = z
  .strictObject({ email: fields.email, name: fields.name, role: fields.role })
  .meta({ id: 'NewUser', example: { email: 'kim@example.com', name: 'Kim Park', role: 'store_manager' } });

export const userUpdateSchema = z
  .strictObject({
    userId: userIdSchema,
    name: fields.name.optional(),
    role: fields.role.optional(),
    active: fields.active.optional(),
    resetPassword: z
      .boolean()
      .optional()
      .describe('True issues a new temporary password, returned once, that must be changed at sign-in.'),
  })
  .meta({
    id: 'UserUpdate',
    description: 'The user to change, by userId, and the fields to change.',
    example: { userId: '0b6f3c1e-2f4c-4f7e-9d43-3a51f1a0c2d7', role: 'system_admin' },
  });

const userFields = {
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: userRoleSchema,
  active: z.boolean(),
  locked: z.boolean().describe('Locked out after too many wrong passwords; a password reset unlocks.'),
  mustChangePassword: z.boolean().describe('The current password is temporary.'),
  passwordChangedAt: z.number().int().describe('Epoch milliseconds.'),
  createdAt: z.number().int().describe('Epoch milliseconds.'),
  updatedAt: z.number().int().describe('Epoch milliseconds.'),
};

const exampleUser = {
  userId: '0b6f3c1e-2f4c-4f7e-9d43-3a51f1a0c2d7',
  email: 'kim@example.com',
  name: 'Kim Park',
  role: 'store_manager' as const,
  active: true,
  locked: false,
  mustChangePassword: true,
  passwordChangedAt: 1763800000000,
  createdAt: 1763800000000,
  updatedAt: 1763800000000,
};

export const userSchema = z.object(userFields).meta({ id: 'User', example: exampleUser });

const temporaryPassword = z
  .string()
  .describe('Shown once: the user must replace it with POST /auth/password before signing in.');

export const createdUserSchema = z
  .object({ ...userFields, temporaryPassword })
  .meta({ id: 'CreatedUser', example: { ...exampleUser, temporaryPassword: 'q3Zr8XkV0bLmT2yA7a' } });

export const updatedUserSchema = z
  .object({ ...userFields, temporaryPassword: temporaryPassword.optional() })
  .meta({
    id: 'UpdatedUser',
    description: 'The user; with `temporaryPassword` when resetPassword was asked.',
    example: exampleUser,
  });

export const userListQuery = z.strictObject({
  ...pageQuery,
  role: userRoleSchema.optional(),
  active: booleanQuery,
});

export const userParams = z.strictObject({ userId: userIdSchema });

export const userDeleteQuery = z.strictObject({ userId: userIdSchema });

export type NewConsoleUser = z.output<typeof newUserSchema>;
export type UserUpdate = z.output<typeof userUpdateSchema>;
export type User = z.output<typeof userSchema>;
export type CreatedConsoleUser = z.output<typeof createdUserSchema>;
export type UpdatedUser = z.output<typeof updatedUserSchema>;
export type UserListQuery = z.output<typeof userListQuery>;
