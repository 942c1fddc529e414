import type { Ctx } from '../../platform/context.ts';
import * as repo from './repo.ts';
import type { CartSettings } from './schemas.ts';

export const DEFAULT_CART_SETTINGS: CartSettings = {
  abandonAfterMinutes: 1440,
  notifyOnAbandon: false,
  checkoutHoldSeconds: 900,
};

export async function getCartSettings(ctx: Ctx): Promise<CartSettings> {
  const row = await repo.findSettings(ctx.tx);
  if (!row) return DEFAULT_CART_SETTINGS;
  return {
    abandonAfterMinutes: row.abandonAfterMinutes,
    notifyOnAbandon: row.notifyOnAbandon,
    checkoutHoldSeconds: row.checkoutHoldSeconds,
  };
}

export async function updateCartSettings(ctx: Ctx, settings: CartSettings): Promise<CartSettings> {
  await repo.saveSettings(ctx.tx, ctx.tenantId, settings, ctx.now());
  return getCartSettings(ctx);
}
