import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  storeTaxParams,
  taxQuoteRequestSchema,
  taxQuoteSchema,
  taxRatesInputSchema,
  taxRatesSchema,
} from './tax-schemas.ts';
import { getTaxRates, quoteTaxes, replaceTaxRates } from './taxes.ts';

const tags = ['Taxes'];

export function taxRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/stores/:storeId/tax-rates',
    scope: 'carts:read',
    tags,
    summary: "Get a store's tax rates",
    params: storeTaxParams,
    response: taxRatesSchema,
    handler: (ctx, { params }) => getTaxRates(ctx, params.storeId),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/stores/:storeId/tax-rates',
    scope: 'carts:write',
    tags,
    summary: "Replace a store's tax rates",
    description:
      'Replaces the whole set at once. A rate with a `taxClass` applies to products of that class (rates of one ' +
      'class stack); rates without one apply to products whose class no rate of the store names. Two rates ' +
      'with the same name and taxClass: 422 `rule_violated`.',
    params: storeTaxParams,
    body: taxRatesInputSchema,
    response: taxRatesSchema,
    handler: (ctx, { params, body }) => replaceTaxRates(ctx, params.storeId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/tax-quotes',
    scope: 'carts:read',
    tags,
    summary: "Calculate the taxes of lines sold at a store from the store's rates",
    description:
      'Each line is taxed on quantity × unitPrice − discountAmount, by the rates of its product’s tax class; ' +
      'each line and rate is rounded on its own, half away from zero. Nothing is saved.',
    body: taxQuoteRequestSchema,
    response: taxQuoteSchema,
    handler: (ctx, { body }) => quoteTaxes(ctx, body),
  });
}
