import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { Installation, InstallationInput, InstallationListQuery } from './schemas.ts';

function toInstallation(row: repo.InstallationRow): Installation {
  return {
    installationId: row.installationId,
    ...(row.customerId ? { customerId: row.customerId } : {}),
    ...(row.email ? { email: row.email } : {}),
    platform: row.platform,
    ...(row.pushToken ? { pushToken: row.pushToken } : {}),
    ...(row.appVersion ? { appVersion: row.appVersion } : {}),
    ...(row.locale ? { locale: row.locale } : {}),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(installationId: string): Problem {
  return new Problem('not_found', `No device installation has installationId "${installationId}".`);
}

const updatable = ['platform', 'customerId', 'email', 'pushToken', 'appVersion', 'locale'] as const;

/**
 * Registers an installation, or changes the registered one: the app calls this at every start and sign-in.
 * Fields left out keep their value; null clears one (a sign-out clears customerId and email). Registering it
 * again unchanged writes nothing and leaves updatedAt alone.
 */
export async function registerInstallation(ctx: Ctx, input: InstallationInput): Promise<Installation> {
  const current = await repo.findInstallation(ctx.tx, input.installationId, { lock: true });
  const blank: repo.InstallationValues = {
    installationId: input.installationId,
    platform: input.platform,
    customerId: null,
    email: null,
    pushToken: null,
    appVersion: null,
    locale: null,
  };
  const stored = current ? valuesOf(current) : blank;
  const { next, changed } = applyChanges(stored, input, updatable);
  if (current) {
    if (changed.length === 0) return toInstallation(current);
    return toInstallation(await repo.updateInstallation(ctx.tx, next, ctx.now()));
  }
  const inserted = await repo.insertInstallation(ctx.tx, ctx.tenantId, next, ctx.now());
  if (inserted) return toInstallation(inserted);
  // Registered by a concurrent request since the lookup, which has committed (the insert waited for it): read
  // it again and apply this one on top, so that the fields this one leaves out keep that request's values.
  return registerInstallation(ctx, input);
}

function valuesOf({ createdAt: _created, updatedAt: _updated, ...values }: repo.InstallationRow) {
  return values;
}

export async function listInstallations(ctx: Ctx, query: InstallationListQuery): Promise<Page<Installation>> {
  const after = query.cursor ? decodeCursor(query.cursor)[0] : undefined;
  const rows = await repo.listInstallations(ctx.tx, {
    customerId: query.customerId,
    email: query.email,
    afterInstallationId: after === undefined ? undefined : String(after),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => [row.installationId], toInstallation);
}

/** Forgets the installation (the app was removed, or the user asked to be forgotten); answers what it was. */
export async function deleteInstallation(ctx: Ctx, installationId: string): Promise<Installation> {
  const row = await repo.deleteInstallation(ctx.tx, installationId);
  if (!row) throw notFound(installationId);
  return toInstallation(row);
}
