import { insertUser, issueTemporaryPassword } from '../../platform/auth/users.ts';
import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { isUuid } from '../../platform/uuid.ts';
import * as repo from './repo.ts';
import type {
  CreatedConsoleUser,
  NewConsoleUser,
  UpdatedUser,
  User,
  UserListQuery,
  UserUpdate,
} from './schemas.ts';

function toUser(row: repo.UserRow, now: Date): User {
  return {
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    locked: row.lockedUntil !== null && row.lockedUntil > now,
    mustChangePassword: row.mustChangePassword,
    passwordChangedAt: row.passwordChangedAt.getTime(),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(userId: string): Problem {
  return new Problem('not_found', `No user has userId "${userId}".`);
}

/** The user's row; a userId that is not a UUID names no user. */
async function existingUser(ctx: Ctx, userId: string, options: { lock?: boolean } = {}) {
  const row = isUuid(userId) ? await repo.findUser(ctx.tx, userId, options) : undefined;
  if (!row) throw notFound(userId);
  return row;
}

const isActiveAdmin = (user: repo.UserValues) => user.active && user.role === 'system_admin';

/** Refuses a change that would leave the tenant without an active System Admin. */
async function assertAnotherActiveAdmin(ctx: Ctx, userId: string, change: string, field: string) {
  if ((await repo.countActiveSystemAdmins(ctx.tx, { except: userId })) > 0) return;
  throw new Problem(
    'rule_violated',
    `This would ${change} the last active System Admin; make another user System Admin first.`,
    { errors: [{ field, message: 'would leave no active System Admin' }] },
  );
}

export async function createConsoleUser(ctx: Ctx, input: NewConsoleUser): Promise<CreatedConsoleUser> {
  const created = await insertUser(ctx.tx, ctx.tenantId, input);
  const user = toUser(await existingUser(ctx, created.id), ctx.now());
  await emit(ctx, { type: 'user.created', subject: user.userId, data: { user } });
  return { ...user, temporaryPassword: created.temporaryPassword };
}

export async function getUser(ctx: Ctx, userId: string): Promise<User> {
  return toUser(await existingUser(ctx, userId), ctx.now());
}

const updatable = ['name', 'role', 'active'] as const;

/**
 * Applies the fields present in the update, and issues a new temporary password when asked; emits
 * `user.updated` naming the fields that changed (`password` for a reset, never the password itself).
 */
export async function updateUser(ctx: Ctx, update: UserUpdate): Promise<UpdatedUser> {
  await repo.lockSystemAdmins(ctx.tx, ctx.tenantId);
  const current = await existingUser(ctx, update.userId, { lock: true });
  const { next, changed: fields } = applyChanges(
    { name: current.name, role: current.role, active: current.active },
    update,
    updatable,
  );
  const changed: string[] = [...fields];
  if (isActiveAdmin(current) && !isActiveAdmin(next)) {
    const field = next.active ? 'body.role' : 'body.active';
    await assertAnotherActiveAdmin(ctx, current.id, next.active ? 'demote' : 'deactivate', field);
  }
  if (changed.length > 0) await repo.updateUserRow(ctx.tx, current.id, next, ctx.now());
  const temporaryPassword = update.resetPassword
    ? await issueTemporaryPassword(ctx.tx, ctx.tenantId, current.id, ctx.now())
    : undefined;
  if (temporaryPassword !== undefined) changed.push('password');
  if (changed.length === 0) return toUser(current, ctx.now());
  const user = toUser(await existingUser(ctx, current.id), ctx.now());
  await emit(ctx, { type: 'user.updated', subject: user.userId, data: { user, changed } });
  return temporaryPassword === undefined ? user : { ...user, temporaryPassword };
}

/** Removes the account for good; the last active System Admin and the caller's own account are kept. */
export async function deleteUser(ctx: Ctx, userId: string): Promise<User> {
  if (ctx.principal.kind === 'user' && ctx.principal.id === userId) {
    throw new Problem('rule_violated', 'You cannot delete your own account; ask another System Admin.', {
      errors: [{ field: 'query.userId', message: 'is the signed-in user' }],
    });
  }
  await repo.lockSystemAdmins(ctx.tx, ctx.tenantId);
  const current = await existingUser(ctx, userId, { lock: true });
  if (isActiveAdmin(current)) await assertAnotherActiveAdmin(ctx, current.id, 'delete', 'query.userId');
  await repo.deleteUserRow(ctx.tx, current.id);
  const user = toUser(current, ctx.now());
  await emit(ctx, { type: 'user.deleted', subject: user.userId, data: { user } });
  return user;
}

export async function listUsers(ctx: Ctx, query: UserListQuery): Promise<Page<User>> {
  const after = query.cursor ? decodeCursor(query.cursor)[0] : undefined;
  const rows = await repo.listUserRows(ctx.tx, {
    role: query.role,
    active: query.active,
    afterEmailKey: after === undefined ? undefined : String(after),
    limit: query.limit + 1,
  });
  const now = ctx.now();
  return toPage(
    rows,
    query.limit,
    (row) => [row.emailKey],
    (row) => toUser(row, now),
  );
}
