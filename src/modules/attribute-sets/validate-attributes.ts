import type { AttributeDefinition } from './repo.ts';

/** A definition, optionally with the id of the attribute set it comes from, which messages then name. */
export type SetAttributeDefinition = AttributeDefinition & { attributeSetId?: string | undefined };

export interface AttributeError {
  field: string;
  message: string;
}

function quoted(values: Iterable<string>): string {
  return [...values].map((value) => `"${value}"`).join(', ');
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** What is wrong with one value for one definition, or undefined when it fits. */
function valueError(definition: AttributeDefinition, value: unknown): string | undefined {
  switch (definition.type) {
    case 'number':
      if (typeof value !== 'number') return 'must be a number';
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'text':
      return typeof value === 'string' ? undefined : 'must be text';
    case 'list': {
      const options = definition.options ?? [];
      return typeof value === 'string' && options.includes(value)
        ? undefined
        : `must be one of: ${options.join(', ')}`;
    }
    default:
      return `cannot be checked: the attribute set gives it the unknown type "${String(definition.type)}"`;
  }
}

function unknownAttributeMessage(code: string, definitions: readonly SetAttributeDefinition[]): string {
  if (definitions.length === 0) {
    return `"${code}" is not in the product's attribute sets: the product has none; give it an attribute set that defines "${code}", or remove the value`;
  }
  const setIds = new Set(definitions.flatMap((d) => (d.attributeSetId ? [d.attributeSetId] : [])));
  const sets = setIds.size > 0 ? ` (${quoted(setIds)})` : '';
  return `"${code}" is not in the product's attribute sets${sets}; add it to one of them, or remove the value`;
}

function requiredMessage(definitions: readonly SetAttributeDefinition[]): string {
  const setIds = new Set(definitions.flatMap((d) => (d.attributeSetId ? [d.attributeSetId] : [])));
  const label = definitions[0]?.label;
  const what = label ? ` (${label})` : '';
  if (setIds.size === 0) return `is required by the product's attribute sets${what}; give it a value`;
  const sets = setIds.size === 1 ? `attribute set ${quoted(setIds)}` : `attribute sets ${quoted(setIds)}`;
  return `is required by ${sets}${what}; give it a value`;
}

/**
 * Checks a product's attribute values against the definitions of its attribute sets: every value must be
 * defined and of its type, and every required attribute must have a value. Returns one error per problem,
 * with `field` such as `attributes.size`; an empty array means the values are valid.
 */
export function attributeErrors(
  definitions: readonly SetAttributeDefinition[],
  values: Readonly<Record<string, string | number | boolean>>,
  field = 'attributes',
): AttributeError[] {
  const byCode = new Map<string, SetAttributeDefinition[]>();
  for (const definition of definitions) {
    byCode.set(definition.code, [...(byCode.get(definition.code) ?? []), definition]);
  }
  const errors: AttributeError[] = [];
  for (const [code, value] of Object.entries(values)) {
    const defined = byCode.get(code);
    if (!defined) {
      errors.push({ field: `${field}.${code}`, message: unknownAttributeMessage(code, definitions) });
      continue;
    }
    if (isMissing(value)) continue;
    const messages = new Set(defined.map((definition) => valueError(definition, value)));
    for (const message of messages) if (message) errors.push({ field: `${field}.${code}`, message });
  }
  for (const [code, defined] of byCode) {
    const requiring = defined.filter((definition) => definition.required);
    if (requiring.length > 0 && isMissing(Object.hasOwn(values, code) ? values[code] : undefined)) {
      errors.push({ field: `${field}.${code}`, message: requiredMessage(requiring) });
    }
  }
  return errors;
}
