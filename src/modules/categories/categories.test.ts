import { describe, expect, it } from 'vitest';
import {
  createMerchant,
  eventsFor,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

const request = (method: 'POST' | 'PUT', body: unknown, merchant?: TestMerchant) =>
  s.t.app.inject({
    method,
    url: '/merchant/v1/categories',
    headers: (merchant ?? s.merchant).auth,
    payload: body as object,
  });
const post = (body: unknown, merchant?: TestMerchant) => request('POST', body, merchant);
const put = (body: unknown, merchant?: TestMerchant) => request('PUT', body, merchant);
const get = (url: string, merchant?: TestMerchant) =>
  s.t.app.inject({ method: 'GET', url, headers: (merchant ?? s.merchant).auth });

const category = (categoryId: string, parentId?: string, overrides: Record<string, unknown> = {}) => ({
  categoryId,
  name: `Category ${categoryId}`,
  ...(parentId ? { parentId } : {}),
  ...overrides,
});

/** Creates a chain of categories, each under the one before; the first is a department. */
async function chain(...ids: string[]) {
  let parent: string | undefined;
  for (const id of ids) {
    const created = await post(category(id, parent));
    expect(created.statusCode, created.body).toBe(201);
    parent = id;
  }
}

const ids = (body: { data: { categoryId: string }[] }) => body.data.map((c) => c.categoryId);

describe('categories', () => {
  it('creates a department and a category under it, with path and depth, and emits category.created', async () => {
    const before = Date.now();
    const department = await post(category('MENS'));
    expect(department.statusCode).toBe(201);
    expect(department.json()).toMatchObject({
      categoryId: 'MENS',
      active: true,
      position: 0,
      path: [],
      depth: 1,
    });
    expect(department.json().parentId).toBeUndefined();
    expect(department.json().createdAt).toBeGreaterThanOrEqual(before - 1000);

    const shirts = await post(category('MENS-SHIRTS', 'MENS', { position: 3 }));
    expect(shirts.statusCode).toBe(201);
    const body = shirts.json();
    expect(body).toMatchObject({ parentId: 'MENS', position: 3, path: ['MENS'], depth: 2 });

    const fetched = await get('/merchant/v1/categories/MENS-SHIRTS');
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(body);

    const events = await eventsFor(s, 'MENS-SHIRTS');
    expect(events.map((e) => e.type)).toEqual(['category.created']);
    expect(events[0]?.data).toEqual({ category: body });
  });

  it('refuses a duplicate categoryId with 409 and changes nothing', async () => {
    await post(category('DUP'));
    const again = await post(category('DUP', undefined, { name: 'Other' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });
    expect((await get('/merchant/v1/categories/DUP')).json().name).toBe('Category DUP');
    expect((await eventsFor(s, 'DUP')).length).toBe(1);
  });

  it('refuses an unknown parent with 422 naming body.parentId, on create and on move', async () => {
    const created = await post(category('ORPHAN', 'NO-SUCH-PARENT'));
    expect(created.statusCode).toBe(422);
    expect(created.headers['content-type']).toContain('application/problem+json');
    expect(created.json()).toMatchObject({ code: 'unknown_reference' });
    expect(created.json().errors).toEqual([
      { field: 'body.parentId', message: expect.stringContaining('NO-SUCH-PARENT') },
    ]);
    expect((await get('/merchant/v1/categories/ORPHAN')).statusCode).toBe(404);

    await post(category('LONELY'));
    const moved = await put({ categoryId: 'LONELY', parentId: 'NO-SUCH-PARENT' });
    expect(moved.statusCode).toBe(422);
    expect(moved.json().errors[0].field).toBe('body.parentId');
  });

  it('allows five levels and refuses a sixth, on create and on move', async () => {
    await chain('D1', 'D2', 'D3', 'D4', 'D5');
    const fifth = (await get('/merchant/v1/categories/D5')).json();
    expect(fifth).toMatchObject({ path: ['D1', 'D2', 'D3', 'D4'], depth: 5 });

    const sixth = await post(category('D6', 'D5'));
    expect(sixth.statusCode).toBe(422);
    expect(sixth.json()).toMatchObject({ code: 'rule_violated' });
    expect(sixth.json().detail).toContain('at most 5 levels');
    expect((await get('/merchant/v1/categories/D6')).statusCode).toBe(404);

    // A two-level branch fits under D3 (depth 4 and 5) but not under D4.
    await chain('B1', 'B2');
    expect((await put({ categoryId: 'B1', parentId: 'D4' })).statusCode).toBe(422);
    const fits = await put({ categoryId: 'B1', parentId: 'D3' });
    expect(fits.statusCode).toBe(200);
    expect((await get('/merchant/v1/categories/B2')).json()).toMatchObject({
      path: ['D1', 'D2', 'D3', 'B1'],
      depth: 5,
    });
  });

  it('refuses to move a category under itself or anything inside it, and changes nothing', async () => {
    await chain('C1', 'C2', 'C3');
    const underItself = await put({ categoryId: 'C1', parentId: 'C1' });
    expect(underItself.statusCode).toBe(422);
    expect(underItself.json().code).toBe('rule_violated');

    const underDescendant = await put({ categoryId: 'C1', parentId: 'C3', name: 'Renamed' });
    expect(underDescendant.statusCode).toBe(422);
    expect(underDescendant.json()).toMatchObject({ code: 'rule_violated' });
    expect(underDescendant.json().detail).toContain('"C3" is inside "C1" (C1 › C2 › C3)');
    expect(underDescendant.json().errors[0].field).toBe('body.parentId');

    const c1 = (await get('/merchant/v1/categories/C1')).json();
    expect(c1).toMatchObject({ name: 'Category C1', path: [], depth: 1 });
    expect((await eventsFor(s, 'C1')).map((e) => e.type)).toEqual(['category.created']);
  });

  it('moves a category with its subtree and emits category.updated and category.moved', async () => {
    await chain('WOMENS');
    await chain('KIDS');
    await chain('TOPS', 'TEES');
    const moved = await put({ categoryId: 'TOPS', parentId: 'WOMENS', position: 2 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: 'WOMENS', position: 2, path: ['WOMENS'], depth: 2 });
    expect((await get('/merchant/v1/categories/TEES')).json()).toMatchObject({
      path: ['WOMENS', 'TOPS'],
      depth: 3,
    });

    const events = await eventsFor(s, 'TOPS');
    expect(events.map((e) => e.type)).toEqual(['category.created', 'category.moved', 'category.updated']);
    expect(events[1]?.data).toEqual({ from: null, to: 'WOMENS' });
    expect(events[2]?.data).toEqual({ category: moved.json(), changed: ['parentId', 'position'] });

    const again = await put({ categoryId: 'TOPS', parentId: 'KIDS' });
    expect((await eventsFor(s, 'TOPS')).at(-2)?.data).toEqual({ from: 'WOMENS', to: 'KIDS' });
    expect(again.json().path).toEqual(['KIDS']);

    const toDepartment = await put({ categoryId: 'TOPS', parentId: null });
    expect(toDepartment.statusCode).toBe(200);
    expect(toDepartment.json()).toMatchObject({ path: [], depth: 1 });
    expect(toDepartment.json().parentId).toBeUndefined();

    const unchanged = await put({ categoryId: 'TOPS', parentId: null, position: 2 });
    expect(unchanged.json().updatedAt).toBe(toDepartment.json().updatedAt);
    expect((await eventsFor(s, 'TOPS')).length).toBe(7);
  });

  it('renames without a move event', async () => {
    await chain('RN');
    const renamed = await put({ categoryId: 'RN', name: 'Renamed' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Renamed');
    const events = await eventsFor(s, 'RN');
    expect(events.map((e) => e.type)).toEqual(['category.created', 'category.updated']);
    expect(events[1]?.data.changed).toEqual(['name']);
  });

  it('deactivates only the category, and refuses to activate one inside an inactive parent', async () => {
    await chain('SALE', 'SALE-SHOES');
    const off = await put({ categoryId: 'SALE', active: false });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await get('/merchant/v1/categories/SALE-SHOES')).json().active).toBe(true);

    await put({ categoryId: 'SALE-SHOES', active: false });
    const on = await put({ categoryId: 'SALE-SHOES', active: true });
    expect(on.statusCode).toBe(422);
    expect(on.json()).toMatchObject({ code: 'rule_violated' });
    expect(on.json().detail).toContain('activate "SALE" first');
    expect(on.json().errors[0].field).toBe('body.active');

    const activeChild = await post(category('SALE-BAGS', 'SALE'));
    expect(activeChild.statusCode).toBe(422);
    expect((await post(category('SALE-BAGS', 'SALE', { active: false }))).statusCode).toBe(201);

    await chain('OPEN');
    expect((await put({ categoryId: 'OPEN', parentId: 'SALE' })).statusCode).toBe(422);

    expect((await put({ categoryId: 'SALE', active: true })).statusCode).toBe(200);
    expect((await put({ categoryId: 'SALE-SHOES', active: true })).statusCode).toBe(200);
  });

  it('answers 404 for an unknown category on GET and PUT', async () => {
    const missing = await get('/merchant/v1/categories/NOPE');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', status: 404 });
    expect((await put({ categoryId: 'NOPE', name: 'x' })).statusCode).toBe(404);
  });

  it('rejects invalid input with 400 problem+json naming the fields, never 500', async () => {
    const bad = await post({ categoryId: 'bad id!', name: '', position: -1, colour: 'red', parentId: 7 });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.categoryId',
        'body.name',
        'body.position',
        'body.colour',
        'body.parentId',
      ]),
    );
    expect((await put({ name: 'no id' })).statusCode).toBe(400);
    expect((await put({ categoryId: 'MENS', position: 1.5 })).statusCode).toBe(400);
    expect((await get('/merchant/v1/categories?departmentsOnly=true&parentId=MENS')).statusCode).toBe(400);
    expect((await get('/merchant/v1/categories?active=maybe')).statusCode).toBe(400);
    expect((await get('/merchant/v1/categories?cursor=nonsense')).statusCode).toBe(400);
    const departments = (await get('/merchant/v1/categories?departmentsOnly=true&limit=1')).json();
    const mixed = await get(`/merchant/v1/categories?cursor=${departments.nextCursor}`);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().code).toBe('invalid_cursor');
  });

  it('lists every category once across pages, departments in order, and the children of a parent', async () => {
    await post(category('L-DEPT', undefined, { position: 1 }));
    for (const [id, position] of [
      ['L-C', 1],
      ['L-A', 2],
      ['L-B', 2],
      ['L-D', 0],
    ] as const) {
      await post(category(id, 'L-DEPT', { position, active: id !== 'L-D' }));
    }
    const children = (await get('/merchant/v1/categories?parentId=L-DEPT')).json();
    expect(ids(children)).toEqual(['L-D', 'L-C', 'L-A', 'L-B']);
    expect(children.data[0]).toMatchObject({ path: ['L-DEPT'], depth: 2 });
    const activeChildren = (await get('/merchant/v1/categories?parentId=L-DEPT&active=true')).json();
    expect(ids(activeChildren)).toEqual(['L-C', 'L-A', 'L-B']);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(
        `/merchant/v1/categories?parentId=L-DEPT&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.statusCode).toBe(200);
      paged.push(...ids(page.json()));
      cursor = page.json().nextCursor;
    } while (cursor && paged.length < 50);
    expect(paged).toEqual(['L-D', 'L-C', 'L-A', 'L-B']);

    const departments = (await get('/merchant/v1/categories?departmentsOnly=true&limit=200')).json();
    expect(departments.data.every((c: { depth: number }) => c.depth === 1)).toBe(true);
    expect(ids(departments)).toContain('L-DEPT');
    expect(ids(departments)).not.toContain('L-A');

    const seen: string[] = [];
    cursor = null;
    let pages = 0;
    do {
      const page = await get(`/merchant/v1/categories?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page.json()));
      cursor = page.json().nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['L-DEPT', 'L-A', 'L-D', 'MENS-SHIRTS']));
  });

  it('keeps each merchant to its own categories', async () => {
    await chain('PRIVATE');
    const other = await createMerchant(s.t.platform);
    expect((await get('/merchant/v1/categories/PRIVATE', other)).statusCode).toBe(404);
    expect(ids((await get('/merchant/v1/categories', other)).json())).toEqual([]);
    expect((await put({ categoryId: 'PRIVATE', name: 'Taken over' }, other)).statusCode).toBe(404);
    const underForeign = await post(category('MINE', 'PRIVATE'), other);
    expect(underForeign.statusCode).toBe(422);
    expect(underForeign.json().code).toBe('unknown_reference');

    const same = await post(category('PRIVATE'), other);
    expect(same.statusCode).toBe(201);
    expect((await get('/merchant/v1/categories/PRIVATE')).json().name).toBe('Category PRIVATE');
  });

  it('never lets concurrent moves make a cycle', async () => {
    const pairs = ['1', '2', '3', '4', '5', '6'];
    for (const n of pairs) {
      await chain(`X${n}`);
      await chain(`Y${n}`);
    }
    const answers = await Promise.all(
      pairs.flatMap((n) => [
        put({ categoryId: `X${n}`, parentId: `Y${n}` }),
        put({ categoryId: `Y${n}`, parentId: `X${n}` }),
      ]),
    );
    for (const [index, n] of pairs.entries()) {
      const statuses = [answers[2 * index]?.statusCode, answers[2 * index + 1]?.statusCode];
      expect(statuses.sort()).toEqual([200, 422]);
      const x = (await get(`/merchant/v1/categories/X${n}`)).json();
      const y = (await get(`/merchant/v1/categories/Y${n}`)).json();
      expect(x.depth + y.depth).toBe(3);
    }
  });
});
