import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { askMasterForCustomer, askMasterToCreate, askMasterToSearch, askMasterToUpdate } from './master.ts';
import {
  createThroughMaster,
  getCustomerFromMaster,
  searchThroughMaster,
  updateThroughMaster,
} from './mirror.ts';
import {
  createdCustomerSchema,
  customerDetailSchema,
  customerListQuery,
  customerParams,
  customerSchema,
  customerSettingsSchema,
  customerSourceSchema,
  customerUpdateSchema,
  newCustomerSchema,
  updatedCustomerSchema,
} from './schemas.ts';
import { getCustomerSettings, updateCustomerSettings } from './settings.ts';

const tags = ['Customers'];

export function customerRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/customers',
    scope: 'customers:write',
    tags,
    summary: 'Create a customer, or find the one with the same e-mail or phone',
    description:
      'Answers 201 with the new customer (emits `customer.created`). When an active customer has the same ' +
      'normalised e-mail or phone and the duplicate policy is `return_existing`, answers 200 with that customer ' +
      'and `matched` instead; under `create_and_link` (or with `allowDuplicate`) the new customer is linked to ' +
      "it (`linkedCustomerIds`, `customer.linked`). With a CREATE_CUSTOMER SPI the merchant's system creates " +
      'it and Backroom mirrors it (`source: spi`, no duplicate detection); if that fails, Backroom creates it ' +
      'as without the SPI (`source: backroom`).',
    body: newCustomerSchema,
    status: 201,
    statusOf: (body) => (body.matched ? 200 : 201),
    response: createdCustomerSchema,
    prepare: (outside, { body }) => askMasterToCreate(outside, body),
    handler: (ctx, { body, prepared }) => createThroughMaster(ctx, body, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers',
    scope: 'customers:read',
    tags,
    summary: 'Search active customers',
    description:
      'Filters combine. `email` and `phone` are normalised as on create (`phoneCountry` for national numbers); ' +
      '`name` is a prefix of the first or last name. With `updatedSince` the list is ordered by updatedAt. ' +
      "With a SEARCH_CUSTOMERS SPI the first page is the merchant's system's answer, mirrored (`source: spi`, " +
      'at most `limit` customers, no cursor); if it fails, Backroom searches its own records (`source: backroom`).',
    query: customerListQuery,
    response: pageOf(customerSchema).extend({ source: customerSourceSchema.optional() }),
    prepare: (outside, { query }) => askMasterToSearch(outside, query),
    handler: (ctx, { query, prepared }) => searchThroughMaster(ctx, query, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers/:customerId',
    scope: 'customers:read',
    tags,
    summary: 'Get one customer by number',
    description:
      'A number merged into another customer answers the survivor, with `requestedCustomerId`. With a ' +
      "GET_CUSTOMER SPI the merchant's system answers and Backroom mirrors it (`source: spi`); if it fails, " +
      "Backroom's own record answers (`source: backroom`).",
    params: customerParams,
    response: customerDetailSchema,
    prepare: (outside, { params }) => askMasterForCustomer(outside, params.customerId),
    handler: (ctx, { params, prepared }) => getCustomerFromMaster(ctx, params.customerId, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/customers/:customerId',
    scope: 'customers:write',
    tags,
    summary: 'Update a customer',
    description:
      'Changes the given fields (null clears one); emits `customer.updated` with the changed fields. A merged ' +
      "number updates its survivor. With an UPDATE_CUSTOMER SPI the merchant's system makes the change and " +
      'Backroom mirrors its answer (`source: spi`); if that fails, Backroom changes its own record ' +
      '(`source: backroom`).',
    params: customerParams,
    body: customerUpdateSchema,
    response: updatedCustomerSchema,
    prepare: (outside, { params, body }) => askMasterToUpdate(outside, params.customerId, body),
    handler: (ctx, { params, body, prepared }) => updateThroughMaster(ctx, params.customerId, body, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customer-settings',
    scope: 'customers:read',
    tags,
    summary: 'Get the customer settings',
    response: customerSettingsSchema,
    handler: (ctx) => getCustomerSettings(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/customer-settings',
    scope: 'customers:write',
    tags,
    summary: 'Change the customer settings',
    body: customerSettingsSchema,
    response: customerSettingsSchema,
    handler: (ctx, { body }) => updateCustomerSettings(ctx, body),
  });
}
