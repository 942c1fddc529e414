import { hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { missingStoreIds } from '../stores/service.ts';
import { assertPinAccepted } from './pins.ts';
import * as repo from './repo.ts';
import type { Associate, AssociateListQuery, AssociateUpdate, NewAssociate, PinVerdict } from './schemas.ts';

function toAssociate(row: repo.AssociateRow): Associate {
  return {
    associateId: row.associateId,
    employeeNumber: row.employeeNumber,
    firstName: row.firstName,
    lastName: row.lastName,
    ...(row.email ? { email: row.email } : {}),
    storeIds: row.storeIds,
    role: row.role as Associate['role'],
    hasPin: row.pinHash !== null,
    active: row.active,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(associateId: string): Problem {
  return new Problem('not_found', `No associate has associateId "${associateId}".`);
}

function employeeNumberTaken(employeeNumber: string, holder: string): Problem {
  return new Problem(
    'duplicate_value',
    `Employee number "${employeeNumber}" belongs to associate "${holder}".`,
    { errors: [{ field: 'body.employeeNumber', message: 'is used by another associate' }] },
  );
}

async function assertStoresExist(ctx: Ctx, storeIds: readonly string[]): Promise<void> {
  const missing = new Set(await missingStoreIds(ctx, storeIds));
  if (missing.size === 0) return;
  throw new Problem(
    'unknown_reference',
    `No store has storeId ${[...missing].map((id) => `"${id}"`).join(', ')}.`,
    {
      errors: storeIds.flatMap((storeId, index) =>
        missing.has(storeId)
          ? [{ field: `body.storeIds.${index}`, message: 'no store has this storeId' }]
          : [],
      ),
    },
  );
}

async function pinHashOf(pin: string): Promise<string> {
  assertPinAccepted(pin, 'body.pin');
  return hashPassword(pin);
}

export async function createAssociate(ctx: Ctx, input: NewAssociate): Promise<Associate> {
  await assertStoresExist(ctx, input.storeIds);
  const pinHash = input.pin === undefined ? null : await pinHashOf(input.pin);
  await repo.lockEmployeeNumber(ctx.tx, ctx.tenantId, input.employeeNumber);
  const row = await repo.insertAssociate(
    ctx.tx,
    ctx.tenantId,
    {
      associateId: input.associateId,
      employeeNumber: input.employeeNumber,
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email ?? null,
      storeIds: input.storeIds,
      role: input.role,
      pinHash,
      active: input.active,
    },
    ctx.now(),
  );
  if (!row) {
    if (await repo.findAssociate(ctx.tx, input.associateId)) {
      throw new Problem(
        'already_exists',
        `An associate with associateId "${input.associateId}" already exists; use PUT to change it.`,
      );
    }
    const holder = await repo.findAssociateByEmployeeNumber(ctx.tx, input.employeeNumber);
    throw employeeNumberTaken(input.employeeNumber, holder?.associateId ?? 'another');
  }
  const associate = toAssociate(row);
  await emit(ctx, { type: 'associate.created', subject: associate.associateId, data: { associate } });
  return associate;
}

export async function getAssociate(ctx: Ctx, associateId: string): Promise<Associate> {
  const row = await repo.findAssociate(ctx.tx, associateId);
  if (!row) throw notFound(associateId);
  return toAssociate(row);
}

const updatable = ['employeeNumber', 'firstName', 'lastName', 'email', 'storeIds', 'role', 'active'] as const;

/** The new pin hash, or undefined when the update leaves the PIN as it is. */
async function nextPinHash(current: string | null, pin: string | null | undefined) {
  if (pin === undefined) return undefined;
  if (pin === null) return current === null ? undefined : null;
  assertPinAccepted(pin, 'body.pin');
  if (current !== null && (await verifyPassword(pin, current))) return undefined;
  return hashPassword(pin);
}

/**
 * Applies the fields present in the update; emits `associate.updated` naming the fields that really changed.
 * A new PIN is named `pin` there, never shown.
 */
export async function updateAssociate(ctx: Ctx, update: AssociateUpdate): Promise<Associate> {
  if (update.storeIds) await assertStoresExist(ctx, update.storeIds);
  if (update.employeeNumber !== undefined) {
    await repo.lockEmployeeNumber(ctx.tx, ctx.tenantId, update.employeeNumber);
  }
  const current = await repo.findAssociate(ctx.tx, update.associateId, { lock: true });
  if (!current) throw notFound(update.associateId);
  const { next, changed: fields } = applyChanges(current, update, updatable);
  const changed: string[] = [...fields];
  const pinHash = await nextPinHash(current.pinHash, update.pin);
  if (pinHash !== undefined) {
    next.pinHash = pinHash;
    changed.push('pin');
  }
  if (changed.length === 0) return toAssociate(current);
  if (changed.includes('employeeNumber')) {
    const holder = await repo.findAssociateByEmployeeNumber(ctx.tx, next.employeeNumber);
    if (holder) throw employeeNumberTaken(next.employeeNumber, holder.associateId);
  }
  const associate = toAssociate(await repo.updateAssociateRow(ctx.tx, update.associateId, next, ctx.now()));
  await emit(ctx, {
    type: 'associate.updated',
    subject: associate.associateId,
    data: { associate, changed },
  });
  return associate;
}

/** Sets active to false and emits `associate.deactivated`; an inactive associate is returned unchanged. */
export async function deactivateAssociate(ctx: Ctx, associateId: string): Promise<Associate> {
  const current = await repo.findAssociate(ctx.tx, associateId, { lock: true });
  if (!current) throw notFound(associateId);
  if (!current.active) return toAssociate(current);
  const row = await repo.updateAssociateRow(ctx.tx, associateId, { ...current, active: false }, ctx.now());
  const associate = toAssociate(row);
  await emit(ctx, { type: 'associate.deactivated', subject: associateId, data: { associate } });
  return associate;
}

export const PIN_ATTEMPTS = 5;
export const PIN_LOCK_MINUTES = 15;

/**
 * Whether the PIN is the associate's; an inactive associate, or one without a PIN, never has a valid one.
 * Four-digit PINs are easy to guess, so five wrong ones in a row lock PIN sign-in for 15 minutes (the right
 * PIN is then refused too); the row lock makes concurrent guesses count one by one.
 */
export async function verifyAssociatePin(ctx: Ctx, associateId: string, pin: string): Promise<PinVerdict> {
  const row = await repo.findPinState(ctx.tx, associateId);
  if (!row) throw notFound(associateId);
  const now = ctx.now();
  if (row.pinLockedUntil && row.pinLockedUntil > now) {
    return { associateId, valid: false, lockedUntil: row.pinLockedUntil.getTime() };
  }
  const valid = row.active && row.pinHash !== null && (await verifyPassword(pin, row.pinHash));
  if (valid) {
    if (row.pinFailures > 0 || row.pinLockedUntil) await repo.recordPinCheck(ctx.tx, associateId, 0, null);
    return { associateId, valid };
  }
  const failures = row.pinFailures + 1;
  const lockedUntil = failures >= PIN_ATTEMPTS ? new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000) : null;
  await repo.recordPinCheck(ctx.tx, associateId, lockedUntil ? 0 : failures, lockedUntil);
  return { associateId, valid, ...(lockedUntil ? { lockedUntil: lockedUntil.getTime() } : {}) };
}

export async function listAssociates(ctx: Ctx, query: AssociateListQuery): Promise<Page<Associate>> {
  const after = query.cursor ? decodeCursor(query.cursor)[0] : undefined;
  const rows = await repo.listAssociateRows(ctx.tx, {
    storeId: query.storeId,
    associateId: query.associateId,
    active: query.active,
    afterAssociateId: after === undefined ? undefined : String(after),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => [row.associateId], toAssociate);
}
