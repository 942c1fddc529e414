import type { Ctx } from '../../platform/context.ts';
import { findAttributeSets } from '../attribute-sets/service.ts';
import type { FeedRow } from './parse.ts';

/**
 * CSV cells are text; a custom attribute gets the type its attribute set defines (number, true/false), so
 * the product rules judge the value rather than its spelling. Values that do not convert stay text and are
 * then reported with the attribute's expected type.
 */
export async function typedAttributes(ctx: Ctx, rows: readonly FeedRow[]): Promise<unknown[]> {
  const setIdsOf = (row: FeedRow) => {
    const ids = row.product?.attributeSetIds;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  };
  const setIds = new Set(rows.flatMap(setIdsOf));
  const sets = setIds.size > 0 ? await findAttributeSets(ctx, [...setIds]) : new Map();
  return rows.map((row) => {
    const attributes = row.product?.attributes;
    if (!row.product || !attributes || typeof attributes !== 'object') return row.product;
    // The types of this product's own sets: another set of the batch may give the same code another type.
    const types = new Map<string, string>();
    for (const id of setIdsOf(row))
      for (const definition of sets.get(id) ?? []) types.set(definition.code, definition.type);
    const typed = Object.entries(attributes).map(([code, value]) => [code, convert(value, types.get(code))]);
    return { ...row.product, attributes: Object.fromEntries(typed) };
  });
}

function convert(value: unknown, type: string | undefined): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (type === 'boolean') {
    const word = value.trim().toLowerCase();
    if (['true', 'yes', '1'].includes(word)) return true;
    if (['false', 'no', '0'].includes(word)) return false;
  }
  return value;
}
