import { describe, expect, it } from 'vitest';
import type { AttributeDefinition } from './repo.ts';
import { attributeErrors } from './validate-attributes.ts';

const definitions: AttributeDefinition[] = [
  { code: 'size', label: 'Size', type: 'list', required: true, options: ['S', 'M', 'L'] },
  { code: 'fabric', label: 'Fabric', type: 'text', required: false },
  { code: 'weight_g', label: 'Weight (g)', type: 'number', required: false },
  { code: 'organic', label: 'Organic', type: 'boolean', required: false },
];

describe('attributeErrors', () => {
  it('accepts values of the right types', () => {
    expect(
      attributeErrors(definitions, { size: 'M', fabric: 'cotton', weight_g: 180.5, organic: false }),
    ).toEqual([]);
    expect(attributeErrors(definitions, { size: 'S' })).toEqual([]);
  });

  it('names each wrong value with what it must be', () => {
    expect(
      attributeErrors(definitions, { size: 'XL', fabric: 3, weight_g: '180', organic: 'yes' } as never),
    ).toEqual([
      { field: 'attributes.size', message: 'must be one of: S, M, L' },
      { field: 'attributes.fabric', message: 'must be text' },
      { field: 'attributes.weight_g', message: 'must be a number' },
      { field: 'attributes.organic', message: 'must be true or false' },
    ]);
    expect(attributeErrors(definitions, { size: 'S', weight_g: Number.POSITIVE_INFINITY })).toEqual([
      { field: 'attributes.weight_g', message: 'must be a finite number' },
    ]);
    expect(attributeErrors(definitions, { size: 'S', weight_g: Number.NaN })).toHaveLength(1);
  });

  it('reports attributes no set defines, and required attributes that are missing or empty', () => {
    expect(attributeErrors(definitions, { colour: 'red' })).toEqual([
      {
        field: 'attributes.colour',
        message: expect.stringContaining(`"colour" is not in the product's attribute sets`),
      },
      { field: 'attributes.size', message: expect.stringMatching(/^is required by/) },
    ]);
    expect(attributeErrors(definitions, { size: ' ' })[0]?.message).toMatch(/^is required by/);
    expect(attributeErrors([], { colour: 'red' })[0]?.message).toContain('the product has none');
  });

  it('names the attribute sets when the definitions say where they come from', () => {
    const fromSets = [
      { ...definitions[0], attributeSetId: 'apparel' } as AttributeDefinition & { attributeSetId: string },
      {
        code: 'heel_mm',
        label: 'Heel height',
        type: 'number' as const,
        required: true,
        attributeSetId: 'shoes',
      },
    ];
    expect(attributeErrors(fromSets, { colour: 'red', size: 'S', heel_mm: 20 }, 'body.attributes')).toEqual([
      {
        field: 'body.attributes.colour',
        message: `"colour" is not in the product's attribute sets ("apparel", "shoes"); add it to one of them, or remove the value`,
      },
    ]);
    expect(attributeErrors(fromSets, { size: 'S' })).toEqual([
      {
        field: 'attributes.heel_mm',
        message: 'is required by attribute set "shoes" (Heel height); give it a value',
      },
    ]);
  });

  it('does not mistake inherited object keys for values', () => {
    const constructorRequired: AttributeDefinition[] = [
      { code: 'constructor', label: 'Constructor', type: 'text', required: true },
    ];
    expect(attributeErrors(constructorRequired, {})).toHaveLength(1);
  });
});
