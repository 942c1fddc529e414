import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import * as master from './address-master.ts';
import {
  addressListSchema,
  addressParams,
  addressSchema,
  addressUpdateSchema,
  customerParams,
  deletedAddressSchema,
  newAddressSchema,
} from './address-schemas.ts';
import * as addresses from './addresses.ts';

const tags = ['Customers'];

export function addressRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers/:customerId/addresses',
    scope: 'customers:read',
    tags,
    summary: "List a customer's addresses",
    description:
      'Oldest first. A merged customer number answers the addresses of the customer it was merged into. With ' +
      "a GET_CUSTOMER_ADDRESSES SPI the merchant's system answers (`source: spi`); if it fails, Backroom's own " +
      'addresses answer (`source: backroom`). The same holds for create, change and delete with the ' +
      'CREATE_CUSTOMER_ADDRESS, UPDATE_CUSTOMER_ADDRESS and DELETE_CUSTOMER_ADDRESS SPIs.',
    params: customerParams,
    response: addressListSchema,
    prepare: (outside, { params }) => master.askMasterForAddresses(outside, params.customerId),
    handler: (ctx, { params, prepared }) =>
      master.listAddressesThroughMaster(ctx, params.customerId, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/customers/:customerId/addresses',
    scope: 'customers:write',
    tags,
    summary: 'Add an address to a customer',
    description:
      `At most ${addresses.MAX_ADDRESSES} addresses per customer (422 \`rule_violated\`). The first address ` +
      'becomes the default for shipping and billing unless the body says otherwise; a default set here replaces ' +
      'the previous one. Emits `customer.address_changed` with `change: created`.',
    params: customerParams,
    body: newAddressSchema,
    status: 201,
    response: addressSchema,
    prepare: (outside, { params, body }) => master.askMasterToCreateAddress(outside, params.customerId, body),
    handler: (ctx, { params, body, prepared }) =>
      master.createAddressThroughMaster(ctx, params.customerId, body, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/customers/:customerId/addresses/:addressId',
    scope: 'customers:write',
    tags,
    summary: "Change a customer's address",
    description:
      'Changes the given fields; null clears an optional field. Making the address a default takes that default ' +
      'from the address that had it. Emits `customer.address_changed` with `change: updated`.',
    params: addressParams,
    body: addressUpdateSchema,
    response: addressSchema,
    prepare: (outside, { params, body }) =>
      master.askMasterToUpdateAddress(outside, params.customerId, params.addressId, body),
    handler: (ctx, { params, body, prepared }) =>
      master.updateAddressThroughMaster(ctx, params.customerId, params.addressId, body, prepared),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/customers/:customerId/addresses/:addressId',
    scope: 'customers:write',
    tags,
    summary: "Delete a customer's address",
    description:
      'Answers the address as it was. Deleting a default leaves the customer without one of that kind. Emits ' +
      '`customer.address_changed` with `change: deleted`.',
    params: addressParams,
    response: deletedAddressSchema,
    prepare: (outside, { params }) =>
      master.askMasterToDeleteAddress(outside, params.customerId, params.addressId),
    handler: (ctx, { params, prepared }) =>
      master.deleteAddressThroughMaster(ctx, params.customerId, params.addressId, prepared),
  });
}
