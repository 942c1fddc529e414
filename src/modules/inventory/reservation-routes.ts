import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  extendBody,
  newReservationSchema,
  reservationParams,
  reservationSchema,
} from './reservation-schemas.ts';
import {
  commitReservation,
  extendReservation,
  getReservation,
  releaseReservation,
  reserveStock,
} from './reservations.ts';

const tags = ['Reservations'];
const base = '/merchant/v1/ims/inventory/reservations';

export function reservationRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: base,
    scope: 'inventory:write',
    tags,
    summary: 'Reserve stock at a location for a cart or an order',
    description:
      'Holds every line or none: when a line is short the answer is 409 `insufficient_stock` naming the lines ' +
      'and what is available, and nothing is held. Reserved stock is not available to anyone else until the ' +
      "reservation is committed, released or expires (default the merchant's reservation lifetime, 15 minutes). " +
      'A reservationId used before answers 409 `already_exists`.',
    body: newReservationSchema,
    status: 201,
    response: reservationSchema,
    handler: (ctx, { body }) => reserveStock(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${base}/:reservationId`,
    scope: 'inventory:read',
    tags,
    summary: 'Get a reservation',
    params: reservationParams,
    response: reservationSchema,
    handler: (ctx, { params }) => getReservation(ctx, params.reservationId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:reservationId/extend`,
    scope: 'inventory:write',
    tags,
    summary: 'Hold the stock longer: the reservation now expires this many seconds from now',
    description:
      'An expired reservation answers 409 `reservation_expired`; an ended one 409 `invalid_state`.',
    params: reservationParams,
    body: extendBody,
    response: reservationSchema,
    handler: (ctx, { params, body }) => extendReservation(ctx, params.reservationId, body.expiresInSeconds),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:reservationId/release`,
    scope: 'inventory:write',
    tags,
    summary: 'Give the reserved stock back (payment failed, cart emptied)',
    description:
      'An expired reservation answers 409 `reservation_expired`; an ended one 409 `invalid_state`.',
    params: reservationParams,
    response: reservationSchema,
    handler: (ctx, { params }) => releaseReservation(ctx, params.reservationId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:reservationId/commit`,
    scope: 'inventory:write',
    tags,
    summary: 'Sell the reserved stock: it leaves reserved and on hand together',
    description:
      'Posts a sale movement for each line. An expired reservation answers 409 `reservation_expired` (its ' +
      'stock may already be sold to someone else: reserve again); an ended one 409 `invalid_state`.',
    params: reservationParams,
    response: reservationSchema,
    handler: (ctx, { params }) => commitReservation(ctx, params.reservationId),
  });
}
