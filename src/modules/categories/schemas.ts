import { z } from 'zod';
import { booleanQuery, merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

/** Departments are depth 1; a category may sit at most this many levels deep, its department included. */
export const MAX_CATEGORY_DEPTH = 5;

export const categoryIdSchema = merchantKey("The merchant's own id for the category or department.");

const fields = {
  name: z.string().trim().min(1).max(200),
  parentId: categoryIdSchema.describe('The category this one belongs to; absent (or null) for a department.'),
  position: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .describe('Order among the categories of the same parent, lowest first.'),
  active: z.boolean(),
};

export const newCategorySchema = z
  .strictObject({
    categoryId: categoryIdSchema,
    name: fields.name,
    parentId: fields.parentId.nullable().optional(),
    position: fields.position.default(0),
    active: fields.active.default(true),
  })
  .meta({
    id: 'NewCategory',
    example: { categoryId: 'MENS-SHIRTS', name: 'Shirts', parentId: 'MENS', position: 1 },
  });

export const categoryUpdateSchema = z
  .strictObject({
    categoryId: categoryIdSchema,
    name: fields.name.optional(),
    parentId: fields.parentId
      .nullable()
      .optional()
      .describe('Moves the category (with everything under it) to this parent; null makes it a department.'),
    position: fields.position.optional(),
    active: fields.active.optional(),
  })
  .meta({
    id: 'CategoryUpdate',
    description: 'The category to change, by categoryId, and the fields to change.',
    example: { categoryId: 'MENS-SHIRTS', parentId: 'MENS-TOPS', position: 2 },
  });

export const categorySchema = z
  .object({
    categoryId: categoryIdSchema,
    name: z.string(),
    parentId: categoryIdSchema.optional(),
    position: z.number().int(),
    active: z.boolean(),
    path: z
      .array(categoryIdSchema)
      .describe('The ids of the ancestors, from the department down to the parent; empty for a department.'),
    depth: z
      .number()
      .int()
      .min(1)
      .max(MAX_CATEGORY_DEPTH)
      .describe(`1 for a department, 2 for its categories, and so on up to ${MAX_CATEGORY_DEPTH}.`),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'Category',
    example: {
      categoryId: 'MENS-SHIRTS',
      name: 'Shirts',
      parentId: 'MENS',
      position: 1,
      active: true,
      path: ['MENS'],
      depth: 2,
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
    },
  });

export const categoryListQuery = z
  .strictObject({
    ...pageQuery,
    departmentsOnly: booleanQuery.describe('true lists only departments, in their order.'),
    parentId: categoryIdSchema
      .optional()
      .describe('Lists only the categories of this parent, in their order.'),
    active: booleanQuery,
  })
  .refine((query) => !(query.departmentsOnly && query.parentId), {
    path: ['departmentsOnly'],
    message: 'cannot be combined with parentId; departments have no parent',
  });

export const categoryParams = z.strictObject({ categoryId: categoryIdSchema });

export type NewCategory = z.output<typeof newCategorySchema>;
export type CategoryUpdate = z.output<typeof categoryUpdateSchema>;
export type Category = z.output<typeof categorySchema>;
export type CategoryListQuery = z.output<typeof categoryListQuery>;
