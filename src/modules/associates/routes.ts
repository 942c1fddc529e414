import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  associateDeleteQuery,
  associateListQuery,
  associateParams,
  associateSchema,
  associateUpdateSchema,
  employeeVerdictSchema,
  newAssociateSchema,
  pinVerdictSchema,
  verifyEmployeeBody,
  verifyPinBody,
} from './schemas.ts';
import * as associates from './service.ts';
import { askMerchant, verifyEmployee } from './verify-employee.ts';

const tags = ['Associates'];

export function associateRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/associates',
    scope: 'associates:read',
    tags,
    summary: 'List store associates, active and inactive',
    description: 'Filters: `storeId` (associates who work in that store), `associateId`, `active`.',
    query: associateListQuery,
    response: pageOf(associateSchema),
    handler: (ctx, { query }) => associates.listAssociates(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/associates/:associateId',
    scope: 'associates:read',
    tags,
    summary: 'Get one store associate by associateId',
    params: associateParams,
    response: associateSchema,
    handler: (ctx, { params }) => associates.getAssociate(ctx, params.associateId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/associates',
    scope: 'associates:write',
    tags,
    summary: 'Create a store associate',
    description:
      'Emits `associate.created`. 409 `already_exists` for a taken associateId, 409 `duplicate_value` for an ' +
      'employee number another associate has, 422 `unknown_reference` for a storeId with no store, 422 ' +
      '`password_rejected` for a trivial PIN.',
    body: newAssociateSchema,
    status: 201,
    response: associateSchema,
    handler: (ctx, { body }) => associates.createAssociate(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/associates',
    scope: 'associates:write',
    tags,
    summary: 'Update a store associate',
    description:
      'Changes the given fields of the associate named by associateId; emits `associate.updated` with the ' +
      'changed fields (a new PIN is named `pin`, never shown).',
    body: associateUpdateSchema,
    response: associateSchema,
    handler: (ctx, { body }) => associates.updateAssociate(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/associates',
    scope: 'associates:write',
    tags,
    summary: 'Deactivate a store associate',
    description:
      'Sets `active` to false on the associate named by the associateId query parameter and returns it; emits ' +
      '`associate.deactivated`. The associate is kept, and can be reactivated with PUT.',
    query: associateDeleteQuery,
    response: associateSchema,
    handler: (ctx, { query }) => associates.deactivateAssociate(ctx, query.associateId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/associates/:associateId/verify-pin',
    scope: 'associates:read',
    tags,
    summary: "Check a store associate's PIN",
    description: 'For registers signing an associate in. An inactive associate never has a valid PIN.',
    params: associateParams,
    body: verifyPinBody,
    response: pinVerdictSchema,
    handler: (ctx, { params, body }) => associates.verifyAssociatePin(ctx, params.associateId, body.pin),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/associates/verify',
    scope: 'associates:read',
    tags,
    summary: 'Verify that someone is a current employee',
    description:
      "For employee discounts at the register. The merchant's VERIFY_EMPLOYEE SPI answers when one is " +
      "configured; otherwise, or when it fails or times out, Backroom's own associates decide: an active " +
      'associate, who works in `storeId` when one is given. `source` says which.',
    body: verifyEmployeeBody,
    response: employeeVerdictSchema,
    prepare: (outside, { body }) => askMerchant(outside, body),
    handler: (ctx, { body, prepared }) => verifyEmployee(ctx, body, prepared),
  });
}
