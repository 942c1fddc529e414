import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import {
  type Category,
  type CategoryListQuery,
  type CategoryUpdate,
  MAX_CATEGORY_DEPTH,
  type NewCategory,
} from './schemas.ts';

function toCategory(row: repo.CategoryRow, path: string[]): Category {
  return {
    categoryId: row.categoryId,
    name: row.name,
    ...(row.parentId ? { parentId: row.parentId } : {}),
    position: row.position,
    active: row.active,
    path,
    depth: path.length + 1,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(categoryId: string): Problem {
  return new Problem('not_found', `No category has categoryId "${categoryId}".`);
}

function ruleViolated(field: string, message: string): Problem {
  return new Problem('rule_violated', message, { errors: [{ field: `body.${field}`, message }] });
}

/** Ancestor ids of each category, from its department down to its parent. */
async function pathsOf(ctx: Ctx, categoryIds: readonly string[]): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  for (const row of await repo.findLineages(ctx.tx, categoryIds)) {
    const path = paths.get(row.startId) ?? [];
    if (row.level > 0) path.unshift(row.categoryId);
    paths.set(row.startId, path);
  }
  return paths;
}

async function withPaths(ctx: Ctx, rows: repo.CategoryRow[]): Promise<Category[]> {
  const paths = await pathsOf(
    ctx,
    rows.map((row) => row.categoryId),
  );
  return rows.map((row) => toCategory(row, paths.get(row.categoryId) ?? []));
}

interface Parent {
  categoryId: string;
  active: boolean;
  /** The parent's own path with the parent at the end: the new path of a category placed under it. */
  pathThrough: string[];
}

/** The category that is to become a parent, or 422 naming body.parentId when it does not exist. */
async function findParent(ctx: Ctx, parentId: string): Promise<Parent> {
  const lineage = await repo.findLineages(ctx.tx, [parentId]);
  const self = lineage[0];
  if (!self) {
    const message = `no category has categoryId "${parentId}"; create it first or choose another parent`;
    throw new Problem('unknown_reference', `body.parentId: ${message}`, {
      errors: [{ field: 'body.parentId', message }],
    });
  }
  return {
    categoryId: parentId,
    active: self.active,
    pathThrough: lineage.map((row) => row.categoryId).reverse(),
  };
}

function breadcrumb(path: readonly string[]): string {
  return path.join(' › ');
}

function checkActiveParent(categoryId: string, parent: Parent): void {
  if (parent.active) return;
  throw ruleViolated(
    'active',
    `"${categoryId}" cannot be active inside "${parent.categoryId}", which is inactive; ` +
      `activate "${parent.categoryId}" first, or set active to false.`,
  );
}

export async function createCategory(ctx: Ctx, input: NewCategory): Promise<Category> {
  await repo.lockCategoryTree(ctx.tx, ctx.tenantId);
  if (await repo.findCategory(ctx.tx, input.categoryId)) {
    throw new Problem(
      'already_exists',
      `A category with categoryId "${input.categoryId}" already exists; use PUT to change it.`,
    );
  }
  let path: string[] = [];
  if (input.parentId) {
    const parent = await findParent(ctx, input.parentId);
    if (parent.pathThrough.length >= MAX_CATEGORY_DEPTH) {
      throw ruleViolated(
        'parentId',
        `"${parent.categoryId}" is already ${MAX_CATEGORY_DEPTH} levels deep (${breadcrumb(parent.pathThrough)}); ` +
          `categories go at most ${MAX_CATEGORY_DEPTH} levels deep, department included. Choose a parent higher up.`,
      );
    }
    if (input.active) checkActiveParent(input.categoryId, parent);
    path = parent.pathThrough;
  }
  const row = await repo.insertCategory(
    ctx.tx,
    ctx.tenantId,
    {
      categoryId: input.categoryId,
      name: input.name,
      parentId: input.parentId ?? null,
      position: input.position,
      active: input.active,
    },
    ctx.now(),
  );
  if (!row)
    throw new Problem('already_exists', `A category with categoryId "${input.categoryId}" already exists.`);
  const category = toCategory(row, path);
  await emit(ctx, { type: 'category.created', subject: category.categoryId, data: { category } });
  return category;
}

export async function getCategory(ctx: Ctx, categoryId: string): Promise<Category> {
  const row = await repo.findCategory(ctx.tx, categoryId);
  if (!row) throw notFound(categoryId);
  const [category] = await withPaths(ctx, [row]);
  if (!category) throw notFound(categoryId);
  return category;
}

/** Refuses a move that would put the category inside itself or its subtree deeper than the limit. */
async function checkMove(ctx: Ctx, categoryId: string, parent: Parent): Promise<void> {
  if (parent.pathThrough.includes(categoryId)) {
    const inside = parent.pathThrough.slice(parent.pathThrough.indexOf(categoryId));
    throw ruleViolated(
      'parentId',
      `"${categoryId}" cannot be moved under "${parent.categoryId}", because "${parent.categoryId}" is inside ` +
        `"${categoryId}" (${breadcrumb(inside)}). Choose a parent outside "${categoryId}", ` +
        `or move "${parent.categoryId}" out of it first.`,
    );
  }
  const subtree = await repo.findSubtree(ctx.tx, categoryId);
  const levelsBelow = Math.max(0, ...subtree.map((row) => row.level));
  const deepest = parent.pathThrough.length + 1 + levelsBelow;
  if (deepest > MAX_CATEGORY_DEPTH) {
    throw ruleViolated(
      'parentId',
      `Moving "${categoryId}" under "${parent.categoryId}" would put its categories ${deepest} levels deep; ` +
        `categories go at most ${MAX_CATEGORY_DEPTH} levels deep, department included. ` +
        'Choose a parent higher up, or flatten the categories under it first.',
    );
  }
}

const updatable = ['name', 'parentId', 'position', 'active'] as const;

/**
 * Renames, moves, reorders, activates or deactivates one category. Emits `category.updated` naming the fields
 * that changed and, when the parent changed, `category.moved`.
 */
export async function updateCategory(ctx: Ctx, update: CategoryUpdate): Promise<Category> {
  await repo.lockCategoryTree(ctx.tx, ctx.tenantId);
  const current = await repo.findCategory(ctx.tx, update.categoryId, { lock: true });
  if (!current) throw notFound(update.categoryId);
  const { next, changed } = applyChanges(current, update, updatable);
  if (changed.length === 0) return getCategory(ctx, current.categoryId);

  const moved = changed.includes('parentId');
  const parent = next.parentId ? await findParent(ctx, next.parentId) : undefined;
  if (moved && parent) await checkMove(ctx, current.categoryId, parent);
  if (parent && next.active && (moved || changed.includes('active'))) {
    checkActiveParent(current.categoryId, parent);
  }

  const row = await repo.updateCategoryRow(ctx.tx, current.categoryId, next, ctx.now());
  const category = toCategory(row, parent?.pathThrough ?? []);
  await emit(ctx, { type: 'category.updated', subject: category.categoryId, data: { category, changed } });
  if (moved) {
    await emit(ctx, {
      type: 'category.moved',
      subject: category.categoryId,
      data: { from: current.parentId, to: next.parentId },
    });
  }
  return category;
}

function listCursor(cursor: string, siblings: boolean): NonNullable<repo.CategoryFilter['after']> {
  const key = decodeCursor(cursor);
  const [first, second] = key;
  if (siblings && key.length === 2 && typeof first === 'number' && typeof second === 'string') {
    return { position: first, categoryId: second };
  }
  if (!siblings && key.length === 1 && typeof first === 'string') return { categoryId: first };
  throw new Problem('invalid_cursor', 'The cursor belongs to another list; start again without it.', {
    errors: [{ field: 'query.cursor', message: 'not a cursor returned for this list and these filters' }],
  });
}

export async function listCategories(ctx: Ctx, query: CategoryListQuery): Promise<Page<Category>> {
  const parentId = query.departmentsOnly ? null : query.parentId;
  const siblings = parentId !== undefined;
  const rows = await repo.listCategoryRows(ctx.tx, {
    parentId,
    active: query.active,
    after: query.cursor ? listCursor(query.cursor, siblings) : undefined,
    limit: query.limit + 1,
  });
  const page = toPage(
    rows,
    query.limit,
    (row) => (siblings ? [row.position, row.categoryId] : [row.categoryId]),
    (row) => row,
  );
  return { data: await withPaths(ctx, page.data), nextCursor: page.nextCursor };
}

/** Whether each category is active; ids of categories that do not exist are absent from the map. */
export async function categoryStates(
  ctx: Ctx,
  ids: readonly string[],
): Promise<Map<string, { active: boolean }>> {
  const rows = await repo.findCategoryStates(ctx.tx, [...new Set(ids)]);
  return new Map(rows.map((row) => [row.categoryId, { active: row.active }]));
}

/** The category and every category under it, at any depth; empty when the category does not exist. */
export async function categoryAndDescendantIds(ctx: Ctx, categoryId: string): Promise<string[]> {
  const rows = await repo.findSubtree(ctx.tx, categoryId);
  return rows.map((row) => row.categoryId);
}
