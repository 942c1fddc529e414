import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import { categoryAndDescendantIds } from '../categories/service.ts';
import { listStoreStock } from '../inventory/service.ts';
import { findProducts, productIdsMatching } from '../products/service.ts';
import { findStores } from '../stores/service.ts';
import { CYCLE_COUNT_EVENTS } from './events.ts';
import * as repo from './repo.ts';
import type {
  CancelCount,
  CycleCount,
  LinesQuery,
  NewFullCount,
  NewManualCount,
  NewPartialCount,
} from './schemas.ts';
import { isOpen, lockCycleCount, notFound, showCycleCount, wrongState } from './view.ts';

export { completeCycleCount, recordCounts } from './counting.ts';
export { CYCLE_COUNT_EVENTS } from './events.ts';

const STOCK_PAGE = 1000;

interface CountHeader {
  cycleCountId: string;
  storeId: string;
  name?: string | undefined;
}

/** Every live product of the catalog, and every product the store holds stock of (deleted ones included). */
export async function createFullCount(ctx: Ctx, input: NewFullCount): Promise<CycleCount> {
  return createCount(ctx, input, 'full', {}, async () => {
    const productIds = new Set(await productIdsMatching(ctx, {}));
    let afterProductId: string | undefined;
    for (;;) {
      const page = await listStoreStock(ctx, input.storeId, { afterProductId, limit: STOCK_PAGE });
      for (const level of page) if (level.onHand > 0) productIds.add(level.productId);
      afterProductId = page.at(-1)?.productId;
      if (page.length < STOCK_PAGE) break;
    }
    if (productIds.size === 0) {
      throw new Problem(
        'rule_violated',
        'The catalog has no products and the store holds no stock: nothing to count.',
      );
    }
    return [...productIds];
  });
}

/** The live products of one category (with its subcategories), one brand, or one attribute value. */
export async function createPartialCount(ctx: Ctx, input: NewPartialCount): Promise<CycleCount> {
  const scope: repo.CycleCountScope = input.categoryId
    ? { categoryId: input.categoryId }
    : input.brand !== undefined
      ? { brand: input.brand }
      : { attribute: input.attribute };
  const field = `body.${Object.keys(scope)[0]}`;
  return createCount(ctx, input, 'partial', scope, async () => {
    if (scope.categoryId && (await categoryAndDescendantIds(ctx, scope.categoryId)).length === 0) {
      throw new Problem('unknown_reference', `No category has categoryId "${scope.categoryId}".`, {
        errors: [{ field, message: 'no such category' }],
      });
    }
    const productIds = await productIdsMatching(ctx, scope);
    if (productIds.length === 0) {
      throw new Problem('rule_violated', 'No live product matches; the count would have nothing to count.', {
        errors: [{ field, message: 'matches no product' }],
      });
    }
    return productIds;
  });
}

export async function createManualCount(ctx: Ctx, input: NewManualCount): Promise<CycleCount> {
  return createCount(ctx, input, 'manual', { productIds: input.productIds }, async () => {
    const found = await findProducts(ctx, input.productIds);
    const unknown = input.productIds.flatMap((productId, index) =>
      found.has(productId) ? [] : [{ productId, index }],
    );
    if (unknown.length > 0) {
      throw new Problem(
        'unknown_reference',
        `No product has productId ${unknown.map((item) => `"${item.productId}"`).join(', ')}.`,
        {
          errors: unknown.map((item) => ({
            field: `body.productIds.${item.index}`,
            message: 'no such product',
          })),
        },
      );
    }
    return input.productIds;
  });
}

async function createCount(
  ctx: Ctx,
  input: CountHeader,
  kind: repo.CycleCountKind,
  scope: repo.CycleCountScope,
  productIdsToCount: () => Promise<string[]>,
): Promise<CycleCount> {
  if (!(await findStores(ctx, [input.storeId])).has(input.storeId)) {
    throw new Problem('unknown_reference', `No store has storeId "${input.storeId}".`, {
      errors: [{ field: 'body.storeId', message: 'no such store' }],
    });
  }
  if (await repo.findCycleCount(ctx.tx, input.cycleCountId)) throw taken(input.cycleCountId);
  if (kind === 'full') await refuseSecondFullCount(ctx, input.storeId);
  const productIds = await productIdsToCount();
  const row = await repo.insertCycleCount(
    ctx.tx,
    ctx.tenantId,
    {
      cycleCountId: input.cycleCountId,
      storeId: input.storeId,
      kind,
      scope,
      name: input.name ?? null,
      createdBy: principalKey(ctx.principal),
    },
    ctx.now(),
  );
  if (!row) {
    // A concurrent request won the id or the store's open full count; it has committed by now.
    if (await repo.findCycleCount(ctx.tx, input.cycleCountId)) throw taken(input.cycleCountId);
    await refuseSecondFullCount(ctx, input.storeId);
    throw taken(input.cycleCountId);
  }
  await repo.insertLines(ctx.tx, ctx.tenantId, row.cycleCountId, productIds);
  const count = await showCycleCount(ctx, row);
  await emit(ctx, {
    type: CYCLE_COUNT_EVENTS.created,
    subject: row.cycleCountId,
    data: {
      cycleCountId: row.cycleCountId,
      storeId: row.storeId,
      kind,
      scope,
      ...(row.name ? { name: row.name } : {}),
      lineCount: count.totals.lines,
    },
  });
  return count;
}

function taken(cycleCountId: string): Problem {
  return new Problem('already_exists', `A cycle count with cycleCountId "${cycleCountId}" already exists.`);
}

async function refuseSecondFullCount(ctx: Ctx, storeId: string): Promise<void> {
  const open = await repo.findOpenFullCount(ctx.tx, storeId);
  if (open) {
    throw new Problem(
      'already_exists',
      `Store "${storeId}" already has an open full count, "${open.cycleCountId}" (${open.status}); complete or cancel it first.`,
    );
  }
}

export async function getCycleCount(ctx: Ctx, cycleCountId: string, query: LinesQuery): Promise<CycleCount> {
  const row = await repo.findCycleCount(ctx.tx, cycleCountId);
  if (!row) throw notFound(cycleCountId);
  return showCycleCount(ctx, row, query);
}

export async function startCycleCount(ctx: Ctx, cycleCountId: string): Promise<CycleCount> {
  const current = await lockCycleCount(ctx, cycleCountId);
  if (current.status !== 'created') throw wrongState(current, 'start', 'Only a created count can start.');
  const row = await repo.updateCycleCount(ctx.tx, cycleCountId, { status: 'started', startedAt: ctx.now() });
  await emit(ctx, {
    type: CYCLE_COUNT_EVENTS.started,
    subject: cycleCountId,
    data: { cycleCountId, storeId: row.storeId, startedAt: row.startedAt?.getTime() },
  });
  return showCycleCount(ctx, row);
}

/** Cancels an open count; nothing it counted touches stock. */
export async function cancelCycleCount(ctx: Ctx, input: CancelCount): Promise<CycleCount> {
  const current = await lockCycleCount(ctx, input.cycleCountId);
  if (!isOpen(current.status)) throw wrongState(current, 'be cancelled');
  const row = await repo.updateCycleCount(ctx.tx, input.cycleCountId, {
    status: 'cancelled',
    cancelledAt: ctx.now(),
    cancelReason: input.reason ?? null,
  });
  await emit(ctx, {
    type: CYCLE_COUNT_EVENTS.cancelled,
    subject: input.cycleCountId,
    data: {
      cycleCountId: input.cycleCountId,
      storeId: row.storeId,
      previousStatus: current.status,
      ...(input.reason ? { reason: input.reason } : {}),
    },
  });
  return showCycleCount(ctx, row);
}
