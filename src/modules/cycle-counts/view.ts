import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { CountsResult, CycleCount, CycleCountLine, LinesQuery } from './schemas.ts';

// How counts and their lines are shown, and the look-ups every operation on one count starts with.

export type CycleCountSummary = Omit<CycleCount, 'lines' | 'nextCursor'>;

const openStatuses: readonly repo.CycleCountStatus[] = ['created', 'started', 'counted'];

export function isOpen(status: repo.CycleCountStatus): boolean {
  return openStatuses.includes(status);
}

export function toLine(row: repo.CycleCountLineRow): CycleCountLine {
  return {
    productId: row.productId,
    ...(row.expectedQuantity === null ? {} : { expectedQuantity: row.expectedQuantity }),
    ...(row.countedQuantity === null ? {} : { countedQuantity: row.countedQuantity }),
    ...(row.variance === null ? {} : { variance: row.variance }),
    ...(row.countedAt ? { countedAt: row.countedAt.getTime() } : {}),
    ...(row.adjustment === null ? {} : { adjustment: row.adjustment }),
  };
}

export async function summarise(ctx: Ctx, row: repo.CycleCountRow): Promise<CycleCountSummary> {
  const time = (date: Date | null) => (date ? date.getTime() : undefined);
  const optional = {
    name: row.name ?? undefined,
    cancelReason: row.cancelReason ?? undefined,
    startedAt: time(row.startedAt),
    countedAt: time(row.countedAt),
    completedAt: time(row.completedAt),
    cancelledAt: time(row.cancelledAt),
  };
  return {
    cycleCountId: row.cycleCountId,
    storeId: row.storeId,
    kind: row.kind,
    scope: row.scope,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.getTime(),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    totals: await repo.lineTotals(ctx.tx, row.cycleCountId),
  };
}

/** The count with one page of its lines (productId order). */
export async function showCycleCount(
  ctx: Ctx,
  row: repo.CycleCountRow,
  query: LinesQuery = { limit: 50 },
): Promise<CycleCount> {
  const after = query.cursor ? String(decodeCursor(query.cursor)[0]) : undefined;
  const rows = await repo.listLines(ctx.tx, row.cycleCountId, {
    counted: query.counted,
    afterProductId: after,
    limit: query.limit + 1,
  });
  const page = toPage(rows, query.limit, (line) => [line.productId], toLine);
  return { ...(await summarise(ctx, row)), lines: page.data, nextCursor: page.nextCursor };
}

export async function showCounts(
  ctx: Ctx,
  row: repo.CycleCountRow,
  recorded: repo.CycleCountLineRow[],
): Promise<CountsResult> {
  return { ...(await summarise(ctx, row)), recorded: recorded.map(toLine) };
}

/** The count, locked for the change the caller is about to make; 404 when there is none. */
export async function lockCycleCount(ctx: Ctx, cycleCountId: string): Promise<repo.CycleCountRow> {
  const row = await repo.findCycleCount(ctx.tx, cycleCountId, { lock: true });
  if (!row) throw notFound(cycleCountId);
  return row;
}

export function notFound(cycleCountId: string): Problem {
  return new Problem('not_found', `No cycle count has cycleCountId "${cycleCountId}".`);
}

export function wrongState(row: repo.CycleCountRow, action: string, hint = ''): Problem {
  return new Problem(
    'invalid_state',
    `Cycle count "${row.cycleCountId}" is ${row.status}; it cannot ${action}.${hint ? ` ${hint}` : ''}`,
  );
}
