import type { Ctx } from '../../platform/context.ts';
import { findAttributeSets } from '../attribute-sets/service.ts';
import type { FeedRow } from './parse.ts';

/**
 * CSV cells are text; a custom attribute gets the type its attribute set defines (number, true/false), so
 * the product rules judge the value rather than its spelling. Values that do not convert stay text and are
 * then reported with the attribute's expected type.
 */
export async function typedAttributes(ctx: Ctx, rows: readonly FeedRow[]): Promise<unknown[]> {
  const setIds = new Set<string>();
  for (const row of rows) {
    const ids = row.product?.attributeSetIds;
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') setIds.add(id);
  }
  const sets = setIds.size > 0 ? await findAttributeSets(ctx, [...setIds]) : new Map();
  const types = new Map<string, string>();
  for (const definitions of sets.values())
    for (const definition of definitions) types.set(definition.code, definition.type);
  return rows.map((row) => {
    const attributes = row.product?.attributes;
    if (!row.product || !attributes || typeof attributes !== 'object') return row.product;
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
