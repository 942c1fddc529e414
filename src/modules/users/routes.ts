import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  createdUserSchema,
  newUserSchema,
  updatedUserSchema,
  userDeleteQuery,
  userListQuery,
  userParams,
  userSchema,
  userUpdateSchema,
} from './schemas.ts';
import * as users from './service.ts';

const tags = ['Users'];

export function userRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/users',
    scope: 'users:read',
    tags,
    summary: 'List console users',
    description: 'In order of e-mail address. Filters: `role`, `active`.',
    query: userListQuery,
    response: pageOf(userSchema),
    handler: (ctx, { query }) => users.listUsers(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/users/:userId',
    scope: 'users:read',
    tags,
    summary: 'Get one console user by userId',
    params: userParams,
    response: userSchema,
    handler: (ctx, { params }) => users.getUser(ctx, params.userId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/users',
    scope: 'users:write',
    tags,
    summary: 'Create a console user',
    description:
      'Returns the user with a one-time `temporaryPassword`, which the user must change with POST ' +
      '/auth/password before signing in. Emits `user.created`. 409 `already_exists` for a taken e-mail address.',
    body: newUserSchema,
    status: 201,
    response: createdUserSchema,
    handler: (ctx, { body }) => users.createConsoleUser(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/users',
    scope: 'users:write',
    tags,
    summary: 'Update a console user',
    description:
      'Changes the name, role or active flag of the user named by userId; `resetPassword: true` issues a new ' +
      'temporary password (returned once) and lifts a lockout. Emits `user.updated` with the changed fields. ' +
      '422 `rule_violated` when it would demote or deactivate the last active System Admin.',
    body: userUpdateSchema,
    response: updatedUserSchema,
    handler: (ctx, { body }) => users.updateUser(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/users',
    scope: 'users:write',
    tags,
    summary: 'Delete a console user',
    description:
      'Removes the account named by the userId query parameter and returns it; emits `user.deleted`. 422 ' +
      '`rule_violated` for the last active System Admin or the signed-in user themself.',
    query: userDeleteQuery,
    response: userSchema,
    handler: (ctx, { query }) => users.deleteUser(ctx, query.userId),
  });
}
