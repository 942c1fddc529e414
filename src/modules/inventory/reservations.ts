import { randomUUID } from 'node:crypto';
import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { endReservations, expireReservationsAt } from './expiry.ts';
import { stockLevels } from './levels.ts';
import { missingReferences } from './references.ts';
import type * as repo from './repo.ts';
import type { NewReservationInput, Reservation } from './reservation-schemas.ts';
import {
  findReservation,
  insertReservation,
  type ReservationRow,
  reserveIfAvailable,
  updateReservation,
} from './reservations-repo.ts';
import { DEFAULT_SETTINGS, type DefaultThresholds } from './settings-repo.ts';
import { refreshStatuses } from './statuses.ts';

function toReservation(row: ReservationRow, now: Date): Reservation {
  const overdue = row.status === 'active' && row.expiresAt <= now;
  return {
    reservationId: row.reservationId,
    storeId: row.storeId,
    reference: { type: row.referenceType, id: row.referenceId },
    status: overdue ? 'expired' : row.status,
    lines: row.lines,
    expiresAt: row.expiresAt.getTime(),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

/**
 * Holds stock for a cart or an order until it is committed, released or expires. Every line is taken by a
 * conditional update, so available stock never goes below zero however many requests race; if any line is
 * short, nothing is reserved.
 */
export async function reserveStock(ctx: Ctx, input: NewReservationInput): Promise<Reservation> {
  const now = ctx.now();
  const reservationId = input.reservationId ?? `rsv_${randomUUID()}`;
  const lines = [...input.lines].sort((a, b) => (a.productId < b.productId ? -1 : 1));
  const keys = lines.map((line) => ({ storeId: input.storeId, productId: line.productId }));
  await expireReservationsAt(
    ctx,
    [input.storeId],
    lines.map((line) => line.productId),
    keys,
  );
  const expiresAt = await insertReservation(
    ctx.tx,
    ctx.tenantId,
    {
      reservationId,
      storeId: input.storeId,
      referenceType: input.reference.type,
      referenceId: input.reference.id,
      expiresInSeconds: input.expiresInSeconds ?? null,
      createdBy: principalKey(ctx.principal),
    },
    lines,
    now,
  );
  if (!expiresAt) {
    throw new Problem(
      'already_exists',
      `A reservation with reservationId "${reservationId}" already exists.`,
    );
  }
  // Taking the stock comes last: from the first conditional update the level row stays locked until commit.
  const taken: repo.LevelRow[] = [];
  let defaults: DefaultThresholds = DEFAULT_SETTINGS;
  for (const line of lines) {
    const reserved = await reserveIfAvailable(
      ctx.tx,
      { storeId: input.storeId, productId: line.productId },
      line.quantity,
      now,
    );
    if (!reserved) throw await shortage(ctx, input);
    taken.push(reserved.level);
    defaults = reserved.defaults;
  }
  await refreshStatuses(ctx, taken, defaults);
  return {
    reservationId,
    storeId: input.storeId,
    reference: input.reference,
    status: 'active',
    lines,
    expiresAt: expiresAt.getTime(),
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
  };
}

/** Why a reservation could not be made: names that do not exist (422), or the lines that are short (409). */
async function shortage(ctx: Ctx, input: NewReservationInput): Promise<Problem> {
  const errors = await missingReferences(ctx, [
    { field: 'body.storeId', storeId: input.storeId },
    ...input.lines.map((line, index) => ({
      field: `body.lines.${index}.productId`,
      productId: line.productId,
    })),
  ]);
  if (errors.length > 0)
    return new Problem('unknown_reference', 'The reservation names stores or products that do not exist.', {
      errors,
    });
  const levels = await stockLevels(
    ctx,
    input.lines.map((line) => ({ storeId: input.storeId, productId: line.productId })),
  );
  for (const [index, line] of input.lines.entries()) {
    const available = levels.get(`${input.storeId}/${line.productId}`)?.available ?? 0;
    if (available < line.quantity) {
      errors.push({
        field: `body.lines.${index}.quantity`,
        message: `${available} of ${line.productId} available at ${input.storeId}; ${line.quantity} asked`,
      });
    }
  }
  return new Problem('insufficient_stock', 'Not enough stock is available; nothing was reserved.', {
    errors,
  });
}

export async function getReservation(ctx: Ctx, reservationId: string): Promise<Reservation> {
  return toReservation(await mustFind(ctx, reservationId, false), ctx.now());
}

async function mustFind(ctx: Ctx, reservationId: string, lock: boolean): Promise<ReservationRow> {
  const row = await findReservation(ctx.tx, reservationId, { lock });
  if (!row) throw new Problem('not_found', `No reservation has reservationId "${reservationId}".`);
  return row;
}

/** The reservation, locked, if it is still holding stock; otherwise the precise reason it is not. */
async function activeReservation(ctx: Ctx, reservationId: string): Promise<ReservationRow> {
  const row = await mustFind(ctx, reservationId, true);
  if (row.status === 'expired' || (row.status === 'active' && row.expiresAt <= ctx.now())) {
    throw new Problem(
      'reservation_expired',
      `Reservation "${reservationId}" expired at ${row.expiresAt.toISOString()}; its stock was released. Reserve again.`,
    );
  }
  if (row.status !== 'active') {
    throw new Problem('invalid_state', `Reservation "${reservationId}" is already ${row.status}.`);
  }
  return row;
}

export async function extendReservation(
  ctx: Ctx,
  reservationId: string,
  expiresInSeconds: number,
): Promise<Reservation> {
  const row = await activeReservation(ctx, reservationId);
  const expiresAt = new Date(ctx.now().getTime() + expiresInSeconds * 1000);
  await updateReservation(ctx.tx, [reservationId], { expiresAt }, ctx.now());
  return toReservation({ ...row, expiresAt, updatedAt: ctx.now() }, ctx.now());
}

export async function releaseReservation(ctx: Ctx, reservationId: string): Promise<Reservation> {
  const row = await activeReservation(ctx, reservationId);
  await endReservations(ctx, [row], 'released');
  return toReservation({ ...row, status: 'released', updatedAt: ctx.now() }, ctx.now());
}

/** Turns the reservation into a sale: the units leave `reserved` and `on_hand` together. */
export async function commitReservation(ctx: Ctx, reservationId: string): Promise<Reservation> {
  const row = await activeReservation(ctx, reservationId);
  await endReservations(ctx, [row], 'committed');
  return toReservation({ ...row, status: 'committed', updatedAt: ctx.now() }, ctx.now());
}
