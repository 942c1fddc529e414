import { z } from 'zod';
import { merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

export const attributeSetIdSchema = merchantKey("The merchant's own id for the attribute set.");

export const attributeTypeSchema = z
  .enum(['text', 'number', 'boolean', 'list'])
  .describe('What values the attribute takes: free text, a number, true or false, or one of its options.');

const attributeCodeSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be 1–64 lowercase letters, digits or underscores, starting with a letter',
  )
  .describe("The key of the attribute in a product's `attributes`, such as `fabric` or `heel_height`.");

const optionSchema = z.string().trim().min(1).max(200);

export const attributeDefinitionSchema = z
  .strictObject({
    code: attributeCodeSchema,
    label: z.string().trim().min(1).max(200).describe('What people see, such as "Heel height".'),
    type: attributeTypeSchema,
    required: z.boolean().default(false).describe('Whether every product in the set must have a value.'),
    options: z
      .array(optionSchema)
      .max(500)
      .optional()
      .describe('The allowed values of a `list` attribute, in display order; only for `list`.'),
  })
  .superRefine((attribute, issues) => {
    if (attribute.type !== 'list') {
      if (attribute.options !== undefined) {
        issues.addIssue({ code: 'custom', path: ['options'], message: 'only a list attribute has options' });
      }
      return;
    }
    if (!attribute.options || attribute.options.length === 0) {
      issues.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'a list attribute needs at least one option',
      });
      return;
    }
    const seen = new Set<string>();
    attribute.options.forEach((option, index) => {
      if (seen.has(option)) {
        issues.addIssue({ code: 'custom', path: ['options', index], message: `"${option}" is listed twice` });
      }
      seen.add(option);
    });
  })
  .meta({ id: 'AttributeDefinition' });

const attributesSchema = z
  .array(attributeDefinitionSchema)
  .max(200)
  .superRefine((attributes, issues) => {
    const seen = new Set<string>();
    attributes.forEach((attribute, index) => {
      if (seen.has(attribute.code)) {
        issues.addIssue({
          code: 'custom',
          path: [index, 'code'],
          message: `"${attribute.code}" is used twice; each attribute of a set needs its own code`,
        });
      }
      seen.add(attribute.code);
    });
  });

const fields = { name: z.string().trim().min(1).max(200), attributes: attributesSchema };

export const newAttributeSetSchema = z
  .strictObject({ attributeSetId: attributeSetIdSchema, name: fields.name, attributes: fields.attributes })
  .meta({ id: 'NewAttributeSet', example: exampleAttributeSet() });

export const attributeSetUpdateSchema = z
  .strictObject({
    attributeSetId: attributeSetIdSchema,
    name: fields.name.optional(),
    attributes: fields.attributes.optional().describe('Replaces every attribute of the set.'),
  })
  .meta({
    id: 'AttributeSetUpdate',
    description:
      'The attribute set to change, by attributeSetId; attributes, when given, replace the old ones.',
    example: { attributeSetId: 'apparel', name: 'Apparel and accessories' },
  });

export const attributeSetSchema = z
  .object({
    attributeSetId: attributeSetIdSchema,
    name: z.string(),
    attributes: z.array(
      z.object({
        code: z.string(),
        label: z.string(),
        type: attributeTypeSchema,
        required: z.boolean(),
        options: z.array(z.string()).optional(),
      }),
    ),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'AttributeSet',
    example: { ...exampleAttributeSet(), createdAt: 1763800000000, updatedAt: 1763800000000 },
  });

export const attributeSetListQuery = z.strictObject({ ...pageQuery });

export const attributeSetParams = z.strictObject({ attributeSetId: attributeSetIdSchema });

export type NewAttributeSet = z.output<typeof newAttributeSetSchema>;
export type AttributeSetUpdate = z.output<typeof attributeSetUpdateSchema>;
export type AttributeSet = z.output<typeof attributeSetSchema>;
export type AttributeSetListQuery = z.output<typeof attributeSetListQuery>;

function exampleAttributeSet() {
  return {
    attributeSetId: 'apparel',
    name: 'Apparel',
    attributes: [
      { code: 'size', label: 'Size', type: 'list' as const, required: true, options: ['S', 'M', 'L'] },
      { code: 'fabric', label: 'Fabric', type: 'text' as const, required: false },
    ],
  };
}
