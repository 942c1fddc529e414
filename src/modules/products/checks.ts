import { canonicalJson } from '../../platform/changes.ts';
import type { Ctx } from '../../platform/context.ts';
import type { FieldError } from '../../platform/http/problems.ts';
import type { AttributeDefinition } from '../attribute-sets/repo.ts';
import { findAttributeSets } from '../attribute-sets/service.ts';
import { attributeErrors, type SetAttributeDefinition } from '../attribute-sets/validate-attributes.ts';
import { categoryStates } from '../categories/service.ts';
import * as repo from './repo.ts';

/** A product about to be written, at its position in the request. */
export interface Candidate {
  index: number;
  values: repo.ProductValues;
}

/**
 * The rules that look beyond one product: unique SKUs and GTINs, existing active categories, attribute sets
 * and their typed attributes, distinct variants within a group. Checked for the whole batch with a few
 * queries; returns the errors of each failing candidate by index.
 */
export async function batchErrors(
  ctx: Ctx,
  candidates: readonly Candidate[],
): Promise<Map<number, FieldError[]>> {
  const errors = new Map<number, FieldError[]>();
  const add = (index: number, field: string, message: string) =>
    errors.set(index, [...(errors.get(index) ?? []), { field, message }]);
  for (const candidate of candidates) {
    for (const error of ownErrors(candidate.values)) add(candidate.index, error.field, error.message);
  }
  await checkUnique(ctx, candidates, add);
  await checkCategories(ctx, candidates, add);
  await checkAttributes(ctx, candidates, add);
  await checkVariants(ctx, candidates, add);
  return errors;
}

type Add = (index: number, field: string, message: string) => void;

function ownErrors(values: repo.ProductValues): FieldError[] {
  const errors: FieldError[] = [];
  if ((values.listPrice === null) !== (values.currency === null)) {
    errors.push({
      field: values.currency === null ? 'currency' : 'listPrice',
      message: 'listPrice and currency go together',
    });
  }
  if (new Set(values.gtins).size !== values.gtins.length)
    errors.push({ field: 'gtins', message: 'lists a GTIN twice' });
  if (values.images.filter((image) => image.primary).length > 1) {
    errors.push({ field: 'images', message: 'only one image can be primary' });
  }
  if (values.variantGroupId && Object.keys(values.variantAttributes).length === 0) {
    errors.push({
      field: 'variantAttributes',
      message: 'a variant needs the attributes that set it apart, such as size',
    });
  }
  return errors;
}

async function checkUnique(ctx: Ctx, candidates: readonly Candidate[], add: Add) {
  const skuOwner = new Map<string, string>();
  const gtinOwner = new Map<string, string>();
  const next = new Map(candidates.map((candidate) => [candidate.values.productId, candidate.values]));
  // A product of this batch keeps a SKU or GTIN only if its new values still carry it.
  const skus = candidates.map((candidate) => candidate.values.sku);
  for (const row of await repo.productsWithSkus(ctx.tx, skus)) {
    const owner = next.get(row.productId);
    if (!owner || owner.sku === row.sku) skuOwner.set(row.sku, row.productId);
  }
  const gtins = candidates.flatMap((candidate) => candidate.values.gtins);
  for (const row of await repo.productsWithGtins(ctx.tx, gtins)) {
    const owner = next.get(row.productId);
    if (!owner || owner.gtins.includes(row.gtin)) gtinOwner.set(row.gtin, row.productId);
  }
  for (const { index, values } of candidates) {
    const skuTaken = skuOwner.get(values.sku);
    if (skuTaken && skuTaken !== values.productId) {
      add(index, 'sku', `SKU "${values.sku}" already belongs to product "${skuTaken}"`);
    } else skuOwner.set(values.sku, values.productId);
    for (const [position, gtin] of values.gtins.entries()) {
      const gtinTaken = gtinOwner.get(gtin);
      if (gtinTaken && gtinTaken !== values.productId) {
        add(index, `gtins.${position}`, `GTIN ${gtin} already belongs to product "${gtinTaken}"`);
      } else gtinOwner.set(gtin, values.productId);
    }
  }
}

async function checkCategories(ctx: Ctx, candidates: readonly Candidate[], add: Add) {
  const ids = [...new Set(candidates.flatMap((candidate) => candidate.values.categoryIds))];
  if (ids.length === 0) return;
  const states = await categoryStates(ctx, ids);
  for (const { index, values } of candidates) {
    for (const [position, categoryId] of values.categoryIds.entries()) {
      const state = states.get(categoryId);
      const field = `categoryIds.${position}`;
      if (!state)
        add(index, field, `no category "${categoryId}"; create it with POST /merchant/v1/categories`);
      else if (!state.active)
        add(index, field, `category "${categoryId}" is inactive; activate it or choose another`);
    }
  }
}

async function checkAttributes(ctx: Ctx, candidates: readonly Candidate[], add: Add) {
  const ids = [...new Set(candidates.flatMap((candidate) => candidate.values.attributeSetIds))];
  const sets = ids.length > 0 ? await findAttributeSets(ctx, ids) : new Map();
  for (const { index, values } of candidates) {
    const definitions: SetAttributeDefinition[] = [];
    for (const [position, setId] of values.attributeSetIds.entries()) {
      const set = sets.get(setId);
      if (set)
        definitions.push(
          ...set.map((definition: AttributeDefinition) => ({ ...definition, attributeSetId: setId })),
        );
      else add(index, `attributeSetIds.${position}`, `no attribute set "${setId}"; create it first`);
    }
    for (const error of attributeErrors(definitions, values.attributes))
      add(index, error.field, error.message);
  }
}

async function checkVariants(ctx: Ctx, candidates: readonly Candidate[], add: Add) {
  const grouped = candidates.filter((candidate) => candidate.values.variantGroupId);
  if (grouped.length === 0) return;
  const groupIds = [...new Set(grouped.map((candidate) => candidate.values.variantGroupId as string))];
  const batchIds = new Set(candidates.map((candidate) => candidate.values.productId));
  const taken = new Map<string, string>();
  for (const member of await repo.variantGroupMembers(ctx.tx, groupIds)) {
    if (!batchIds.has(member.productId)) taken.set(variantKey(member), member.productId);
  }
  for (const { index, values } of grouped) {
    const key = variantKey(values);
    const owner = taken.get(key);
    if (owner && owner !== values.productId) {
      add(
        index,
        'variantAttributes',
        `product "${owner}" is already this variant of group "${values.variantGroupId}"`,
      );
    } else taken.set(key, values.productId);
  }
}

function variantKey(values: { variantGroupId: string | null; variantAttributes: Record<string, string> }) {
  return `${values.variantGroupId}\u0000${canonicalJson(values.variantAttributes)}`;
}
