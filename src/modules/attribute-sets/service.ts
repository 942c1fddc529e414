import { applyChanges } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { AttributeSet, AttributeSetListQuery, AttributeSetUpdate, NewAttributeSet } from './schemas.ts';

export type { AttributeDefinition } from './repo.ts';
export { type AttributeError, attributeErrors, type SetAttributeDefinition } from './validate-attributes.ts';

/** The stored form: options only on list attributes, and always in the same key order. */
function toDefinitions(attributes: NewAttributeSet['attributes']): repo.AttributeDefinition[] {
  return attributes.map((attribute) => ({
    code: attribute.code,
    label: attribute.label,
    type: attribute.type,
    required: attribute.required,
    ...(attribute.type === 'list' && attribute.options ? { options: attribute.options } : {}),
  }));
}

function toAttributeSet(row: repo.AttributeSetRow): AttributeSet {
  return {
    attributeSetId: row.attributeSetId,
    name: row.name,
    attributes: toDefinitions(row.attributes),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function notFound(attributeSetId: string): Problem {
  return new Problem('not_found', `No attribute set has attributeSetId "${attributeSetId}".`);
}

export async function createAttributeSet(ctx: Ctx, input: NewAttributeSet): Promise<AttributeSet> {
  const row = await repo.insertAttributeSet(
    ctx.tx,
    ctx.tenantId,
    { attributeSetId: input.attributeSetId, name: input.name, attributes: toDefinitions(input.attributes) },
    ctx.now(),
  );
  if (!row) {
    throw new Problem(
      'already_exists',
      `An attribute set with attributeSetId "${input.attributeSetId}" already exists; use PUT to change it.`,
    );
  }
  const attributeSet = toAttributeSet(row);
  await emit(ctx, {
    type: 'attribute_set.created',
    subject: attributeSet.attributeSetId,
    data: { attributeSet },
  });
  return attributeSet;
}

export async function getAttributeSet(ctx: Ctx, attributeSetId: string): Promise<AttributeSet> {
  const row = await repo.findAttributeSet(ctx.tx, attributeSetId);
  if (!row) throw notFound(attributeSetId);
  return toAttributeSet(row);
}

/** Replaces the name and/or the attributes; emits `attribute_set.updated` naming what really changed. */
export async function updateAttributeSet(ctx: Ctx, update: AttributeSetUpdate): Promise<AttributeSet> {
  const current = await repo.findAttributeSet(ctx.tx, update.attributeSetId, { lock: true });
  if (!current) throw notFound(update.attributeSetId);
  const { next, changed } = applyChanges<repo.AttributeSetValues, 'name' | 'attributes'>(
    {
      attributeSetId: current.attributeSetId,
      name: current.name,
      attributes: toDefinitions(current.attributes),
    },
    { name: update.name, attributes: update.attributes && toDefinitions(update.attributes) },
    ['name', 'attributes'],
  );
  if (changed.length === 0) return toAttributeSet(current);
  const attributeSet = toAttributeSet(
    await repo.updateAttributeSetRow(ctx.tx, current.attributeSetId, next, ctx.now()),
  );
  await emit(ctx, {
    type: 'attribute_set.updated',
    subject: attributeSet.attributeSetId,
    data: { attributeSet, changed },
  });
  return attributeSet;
}

export async function listAttributeSets(ctx: Ctx, query: AttributeSetListQuery): Promise<Page<AttributeSet>> {
  const after = query.cursor ? decodeCursor(query.cursor)[0] : undefined;
  const rows = await repo.listAttributeSetRows(ctx.tx, {
    afterAttributeSetId: after === undefined ? undefined : String(after),
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (row) => [row.attributeSetId], toAttributeSet);
}

/** The attribute definitions of each given set; ids of sets that do not exist are absent from the map. */
export async function findAttributeSets(
  ctx: Ctx,
  ids: readonly string[],
): Promise<Map<string, repo.AttributeDefinition[]>> {
  const rows = await repo.findAttributeSetRows(ctx.tx, [...new Set(ids)]);
  return new Map(rows.map((row) => [row.attributeSetId, toDefinitions(row.attributes)]));
}
