import type { Ctx, Platform } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import type { TaskDefinition } from '../../platform/events/registry.ts';
import { asSystem } from '../../platform/system-context.ts';
import { notifyByEmail } from '../notifications/service.ts';
import * as repo from './repo.ts';
import { cartView } from './service.ts';
import { getCartSettings } from './settings.ts';

export const ABANDON_TASK = 'carts.abandon-idle';
const BATCH = 200;

async function abandon(ctx: Ctx, cart: repo.CartRow, notify: boolean): Promise<void> {
  const now = ctx.now();
  const abandoned = await repo.updateCart(ctx.tx, cart.id, {
    status: 'abandoned',
    abandonedAt: now,
    updatedAt: now,
  });
  const view = await cartView(ctx, abandoned);
  await emit(ctx, { type: 'cart.abandoned', subject: cart.cartId, data: { cart: view } });
  const customer = cart.customerUuid ? await repo.customerOfCart(ctx.tx, cart.customerUuid) : undefined;
  if (notify && customer?.email) {
    await notifyByEmail(ctx, {
      type: 'CART_ABANDONED',
      title: 'You left something in your cart',
      message: `Your cart holds ${view.itemCount} item(s). It is saved for you.`,
      data: { cartId: cart.cartId, storeId: cart.storeId, customerId: customer.customerId },
      emails: [customer.email],
    });
  }
}

/**
 * Marks every active cart idle longer than its tenant's abandonAfterMinutes as 'abandoned', a transaction per
 * batch of each tenant; emits `cart.abandoned` and, when the tenant asks for it, e-mails the customer.
 * Answers how many carts were abandoned.
 */
export async function abandonIdleCarts(platform: Platform): Promise<number> {
  let abandoned = 0;
  for (const tenantId of await repo.tenantsWithIdleCarts(platform.db, platform.now())) {
    for (;;) {
      const count = await asSystem(platform, tenantId, ABANDON_TASK, async (ctx) => {
        const ids = await repo.lockIdleCarts(ctx.tx, ctx.now(), BATCH);
        if (ids.length === 0) return 0;
        const settings = await getCartSettings(ctx);
        for (const cart of await repo.findCartsByIds(ctx.tx, ids)) {
          await abandon(ctx, cart, settings.notifyOnAbandon);
        }
        return ids.length;
      });
      abandoned += count;
      if (count < BATCH) break;
    }
  }
  return abandoned;
}

export const abandonTask: TaskDefinition = {
  name: ABANDON_TASK,
  schedule: '*/5 * * * *',
  run: async (platform) => {
    await abandonIdleCarts(platform);
  },
};
