import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { isWithinCeiling } from '../../platform/outbound/url-policy.ts';
import { DEFAULT_INTEGRATION_SETTINGS } from './lookup.ts';
import * as repo from './repo.ts';
import type { IntegrationSettingsUpdate, IntegrationSettingsView } from './schemas.ts';

function toView(
  settings: Omit<repo.SettingsRow, 'updatedAt'> & { updatedAt?: Date },
): IntegrationSettingsView {
  return {
    ...(settings.alertEmail ? { alertEmail: settings.alertEmail } : {}),
    alertWindowMinutes: settings.alertWindowMinutes,
    disableAfterMinutes: settings.disableAfterMinutes,
    allowedNetworks: settings.allowedNetworks,
    ...(settings.updatedAt ? { updatedAt: settings.updatedAt.getTime() } : {}),
  };
}

export async function getIntegrationSettings(ctx: Ctx): Promise<IntegrationSettingsView> {
  return toView((await repo.findSettings(ctx.tx)) ?? DEFAULT_INTEGRATION_SETTINGS);
}

/** Changes the given settings; the others keep their values (or defaults, the first time). */
export async function updateIntegrationSettings(
  ctx: Ctx,
  update: IntegrationSettingsUpdate,
): Promise<IntegrationSettingsView> {
  if (update.allowedNetworks)
    assertWithinCeiling(update.allowedNetworks, ctx.platform.config.outboundAllowedNetworks);
  const current = (await repo.findSettings(ctx.tx)) ?? DEFAULT_INTEGRATION_SETTINGS;
  const next = {
    alertEmail: update.alertEmail === undefined ? current.alertEmail : update.alertEmail,
    alertWindowMinutes: update.alertWindowMinutes ?? current.alertWindowMinutes,
    disableAfterMinutes: update.disableAfterMinutes ?? current.disableAfterMinutes,
    allowedNetworks: update.allowedNetworks ? [...new Set(update.allowedNetworks)] : current.allowedNetworks,
  };
  const now = ctx.now();
  await repo.upsertSettings(ctx.tx, ctx.tenantId, next, now);
  return toView({ ...next, updatedAt: now });
}

/** A tenant may only narrow what the operator allows (BACKROOM_OUTBOUND_ALLOWED_NETWORKS), never widen it. */
function assertWithinCeiling(allowedNetworks: readonly string[], ceiling: readonly string[]): void {
  const allowed = ceiling.length > 0 ? ceiling.join(', ') : 'public addresses only';
  const errors = allowedNetworks.flatMap((entry, index) =>
    isWithinCeiling(entry, ceiling)
      ? []
      : [
          {
            field: `body.allowedNetworks.${index}`,
            message: `"${entry}" is outside what this Backroom allows: ${allowed}`,
          },
        ],
  );
  if (errors.length === 0) return;
  throw new Problem(
    'rule_violated',
    `${errors.map((e) => e.message).join('; ')}. The operator sets the limit with BACKROOM_OUTBOUND_ALLOWED_NETWORKS.`,
    { errors },
  );
}
