import { describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  s.t.app.inject({ method, url, headers: s.merchant.auth, ...(payload ? { payload } : {}) });

const product = (productId: string, overrides: Record<string, unknown> = {}) => ({
  productId,
  sku: `SKU-${productId}`,
  name: `Product ${productId}`,
  ...overrides,
});

describe('products', () => {
  it('creates products with every field, answers per item, and emits product.created', async () => {
    await call('POST', '/merchant/v1/categories', { categoryId: 'APPAREL', name: 'Apparel' });
    await call('POST', '/merchant/v1/categories', { categoryId: 'TOPS', name: 'Tops', parentId: 'APPAREL' });
    await call('POST', '/merchant/v1/attributesets', {
      attributeSetId: 'apparel',
      name: 'Apparel',
      attributes: [
        { code: 'material', label: 'Material', type: 'text' },
        { code: 'organic', label: 'Organic', type: 'boolean' },
        { code: 'fit', label: 'Fit', type: 'list', options: ['slim', 'regular'] },
      ],
    });
    const before = Date.now();
    const response = await call('POST', '/merchant/v1/products', {
      products: [
        product('TEE-M', {
          gtins: ['0012345678905'],
          description: '<p>Soft <strong>cotton</strong></p>',
          brand: 'Northbound',
          manufacturer: 'Mill Co',
          taxClass: 'standard',
          variantGroupId: 'TEE',
          variantAttributes: { size: 'M', colour: 'Blue' },
          categoryIds: ['TOPS'],
          attributeSetIds: ['apparel'],
          attributes: { material: 'Cotton', organic: true, fit: 'slim' },
          images: [
            { url: 'https://img.example.com/a.jpg', alt: 'Front' },
            { url: 'https://img.example.com/b.jpg', primary: true },
          ],
          weightGrams: 180,
          dimensionsMm: { length: 300, width: 200, height: 20 },
          listPrice: 2400,
          currency: 'USD',
        }),
        product('TEE-L', { variantGroupId: 'TEE', variantAttributes: { size: 'L', colour: 'Blue' } }),
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, deleted: 0, failed: 0 });
    const item = body.results[0].item;
    expect(item).toMatchObject({
      productId: 'TEE-M',
      status: 'active',
      primaryAttributeSetId: 'apparel',
      primaryImage: { url: 'https://img.example.com/b.jpg', primary: true },
      listPrice: 2400,
      currency: 'USD',
      description: '<p>Soft <strong>cotton</strong></p>',
    });
    expect(item.images.map((image: { primary: boolean }) => image.primary)).toEqual([false, true]);
    expect(item.createdAt).toBeGreaterThanOrEqual(before);
    expect(body.results[1].item).not.toHaveProperty('brand');

    const fetched = await call('GET', '/merchant/v1/products/TEE-M');
    expect(fetched.json()).toEqual(item);
    const events = await eventsFor(s, 'TEE-M');
    expect(events.map((event) => event.type)).toEqual(['product.created']);
    expect(events[0]?.data.product).toEqual(item);
  });

  it('reports each bad item with a field and a reason and keeps the good ones', async () => {
    const response = await call('POST', '/merchant/v1/products', {
      products: [
        product('OK-1'),
        product('BAD-SKU', { sku: 'SKU-TEE-M' }),
        product('BAD-CAT', { categoryIds: ['NOPE'] }),
        product('BAD-ATTR', { attributeSetIds: ['apparel'], attributes: { organic: 'yes', colour: 'red' } }),
        product('BAD-VARIANT', { variantGroupId: 'TEE', variantAttributes: { size: 'M', colour: 'Blue' } }),
        product('BAD-GTIN', { gtins: ['0012345678905'] }),
        product('TEE-M'),
        product('OK-1'),
      ],
    });
    expect(response.statusCode).toBe(200);
    const { results, summary } = response.json();
    expect(summary).toMatchObject({ created: 1, failed: 7 });
    const byIndex = (index: number) => results.find((r: { index: number }) => r.index === index);
    expect(byIndex(0).status).toBe('created');
    expect(byIndex(1).error.errors).toEqual([
      { field: 'sku', message: 'SKU "SKU-TEE-M" already belongs to product "TEE-M"' },
    ]);
    expect(byIndex(2).error.errors[0]).toMatchObject({ field: 'categoryIds.0' });
    expect(byIndex(2).error.errors[0].message).toContain('no category "NOPE"');
    const attributeFields = byIndex(3).error.errors.map((e: { field: string }) => e.field);
    expect(attributeFields).toEqual(expect.arrayContaining(['attributes.organic', 'attributes.colour']));
    expect(byIndex(4).error.errors[0].message).toContain('"TEE-M" is already this variant');
    expect(byIndex(5).error.errors[0]).toMatchObject({ field: 'gtins.0' });
    expect(byIndex(6).error.code).toBe('already_exists');
    expect(byIndex(7).error.detail).toContain('appears twice');
    for (const id of ['BAD-SKU', 'BAD-CAT', 'BAD-ATTR', 'BAD-VARIANT', 'BAD-GTIN']) {
      expect((await call('GET', `/merchant/v1/products/${id}`)).statusCode).toBe(404);
    }
  });

  it('with allOrNothing, one bad item fails the call with 422 and writes nothing', async () => {
    const response = await call('POST', '/merchant/v1/products', {
      allOrNothing: true,
      products: [product('AON-1'), product('AON-2', { sku: 'SKU-TEE-M' })],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'rule_violated',
      errors: [{ field: 'body.products.1.sku', message: expect.stringContaining('already belongs') }],
    });
    expect((await call('GET', '/merchant/v1/products/AON-1')).statusCode).toBe(404);
    expect(await eventsFor(s, 'AON-1')).toEqual([]);
  });

  it('strips scripts from descriptions before storing them, and says so', async () => {
    const response = await call('POST', '/merchant/v1/products', {
      products: [
        product('HTML-1', {
          description: '<p onclick="steal()">Hi<script>alert(1)</script><a href="javascript:x()">l</a></p>',
        }),
      ],
    });
    const result = response.json().results[0];
    expect(result.item.description).toBe('<p>Hi<a>l</a></p>');
    expect(result.warnings[0]).toContain('removed');
    const { rows } = await s.t.database.pool.query(
      "select description_html from products where product_id = 'HTML-1' and tenant_id = $1",
      [s.merchant.tenant.id],
    );
    expect(rows[0].description_html).not.toMatch(/script|onclick|javascript/);
  });

  it('updates only the given fields, reports unchanged items, and names the changed fields', async () => {
    const update = await call('PUT', '/merchant/v1/products', {
      products: [
        {
          productId: 'TEE-M',
          name: 'Classic Tee M',
          brand: null,
          images: [{ url: 'https://img.example.com/c.jpg' }],
        },
        { productId: 'TEE-L', name: 'Product TEE-L' },
        { productId: 'MISSING', name: 'x' },
      ],
    });
    expect(update.statusCode).toBe(200);
    const { results } = update.json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(['updated', 'unchanged', 'failed']);
    expect(results[0].item).not.toHaveProperty('brand');
    expect(results[0].item.primaryImage.url).toBe('https://img.example.com/c.jpg');
    expect(results[0].item.listPrice).toBe(2400);
    expect(results[2].error.code).toBe('not_found');
    const events = await eventsFor(s, 'TEE-M');
    expect(events.at(-1)).toMatchObject({
      type: 'product.updated',
      data: { changed: ['name', 'brand', 'images'] },
    });
    expect((await eventsFor(s, 'TEE-L')).map((event) => event.type)).toEqual(['product.created']);
  });

  it('deletes products, frees their SKU, and lists them only with includeDeleted', async () => {
    await call('POST', '/merchant/v1/products', { products: [product('DEL-1')] });
    const deleted = await call('DELETE', '/merchant/v1/products', { productIds: ['DEL-1', 'NOPE'] });
    expect(deleted.json().results.map((r: { status: string }) => r.status)).toEqual(['deleted', 'failed']);
    expect((await call('GET', '/merchant/v1/products/DEL-1')).statusCode).toBe(404);
    expect((await eventsFor(s, 'DEL-1')).map((event) => event.type)).toEqual([
      'product.created',
      'product.deleted',
    ]);
    const reuse = await call('POST', '/merchant/v1/products', {
      products: [product('DEL-2', { sku: 'SKU-DEL-1' })],
    });
    expect(reuse.json().summary.created).toBe(1);
    const listed = await call('GET', '/merchant/v1/products?productIds=DEL-1&includeDeleted=true');
    expect(listed.json().data[0]).toMatchObject({ productId: 'DEL-1', deletedAt: expect.any(Number) });
  });

  it('filters by category (with subcategories), brand, status, text and updatedSince, and pages', async () => {
    const byCategory = await call('GET', '/merchant/v1/products?categoryId=APPAREL');
    expect(byCategory.json().data.map((p: { productId: string }) => p.productId)).toEqual(['TEE-M']);
    const byBrand = await call('GET', '/merchant/v1/products?brand=Northbound');
    expect(byBrand.json().data).toEqual([]);
    const byName = await call('GET', '/merchant/v1/products?q=classic%20te');
    expect(byName.json().data.map((p: { productId: string }) => p.productId)).toEqual(['TEE-M']);
    const bySku = await call('GET', '/merchant/v1/products?q=sku-tee');
    expect(bySku.json().data.map((p: { productId: string }) => p.productId)).toEqual(['TEE-L', 'TEE-M']);
    const byGtin = await call('GET', '/merchant/v1/products?q=0012345678905');
    expect(byGtin.json().data.map((p: { productId: string }) => p.productId)).toEqual(['TEE-M']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/merchant/v1/products?updatedSince=0&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { data: { productId: string }[]; nextCursor: string | null } = (
        await call('GET', url)
      ).json();
      seen.push(...page.data.map((p: { productId: string }) => p.productId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.toSorted()).toEqual(['DEL-2', 'HTML-1', 'OK-1', 'TEE-L', 'TEE-M']);
    const recent = await call('GET', `/merchant/v1/products?updatedSince=${Date.now() + 60_000}`);
    expect(recent.json().data).toEqual([]);
  });

  it('rejects bad input with problem+json: too many ids, too many items, bad fields, negative prices', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `P${i}`).join(',');
    const tooManyIds = await call('GET', `/merchant/v1/products?productIds=${ids}`);
    expect(tooManyIds.statusCode).toBe(400);
    expect(tooManyIds.json().errors[0]).toMatchObject({ field: 'query.productIds' });
    const many = Array.from({ length: 501 }, (_, i) => product(`X${i}`));
    const tooMany = await call('POST', '/merchant/v1/products', { products: many });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toContain('500');
    const negative = await call('POST', '/merchant/v1/products', {
      products: [product('NEG', { listPrice: -1, currency: 'USD', gtins: ['0012345678901'], colour: 'x' })],
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.products.0.listPrice', 'body.products.0.gtins.0']),
    );
    const priceWithoutCurrency = await call('POST', '/merchant/v1/products', {
      products: [product('NOCUR', { listPrice: 100 })],
    });
    expect(priceWithoutCurrency.json().results[0].error.errors[0].field).toBe('currency');
    const badCursor = await call('GET', '/merchant/v1/products?cursor=abc');
    expect(badCursor.statusCode).toBe(400);
  });

  it('under concurrent writes, creates a productId once and gives a SKU or GTIN to one product only', async () => {
    const sameId = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call('POST', '/merchant/v1/products', { products: [product('RACE-ID', { sku: `RACE-ID-${i}` })] }),
      ),
    );
    const idStatuses = sameId.map((answer) => answer.json().results[0].status);
    expect(idStatuses.filter((status) => status === 'created')).toHaveLength(1);
    expect(idStatuses.filter((status) => status === 'failed')).toHaveLength(5);
    const sameSku = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call('POST', '/merchant/v1/products', {
          products: [product(`RACE-SKU-${i}`, { sku: 'RACE-SKU', gtins: ['4006381333931'] })],
        }),
      ),
    );
    expect(sameSku.map((answer) => answer.statusCode)).toEqual(sameSku.map(() => 200));
    const skuStatuses = sameSku.map((answer) => answer.json().results[0].status);
    expect(skuStatuses.filter((status) => status === 'created')).toHaveLength(1);
    const { rows } = await s.t.database.pool.query(
      "select count(*)::int as n from products where tenant_id = $1 and '4006381333931' = any(gtins)",
      [s.merchant.tenant.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('keeps each merchant’s catalog apart', async () => {
    const other = await createMerchant(s.t.platform);
    const asOther = (method: 'GET' | 'POST', url: string, payload?: object) =>
      s.t.app.inject({ method, url, headers: other.auth, ...(payload ? { payload } : {}) });
    expect((await asOther('GET', '/merchant/v1/products/TEE-M')).statusCode).toBe(404);
    const sameSku = await asOther('POST', '/merchant/v1/products', { products: [product('TEE-M')] });
    expect(sameSku.json().summary.created).toBe(1);
    expect((await asOther('GET', '/merchant/v1/products')).json().data).toHaveLength(1);
  });
});
