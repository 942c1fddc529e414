import { describe, expect, it } from 'vitest';
import { eventsFor, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

const post = (body: unknown, headers: Record<string, string> = {}) =>
  s.t.app.inject({
    method: 'POST',
    url: '/merchant/v1/stores',
    headers: { ...s.merchant.auth, ...headers },
    payload: body as object,
  });
const put = (body: unknown) =>
  s.t.app.inject({
    method: 'PUT',
    url: '/merchant/v1/stores',
    headers: s.merchant.auth,
    payload: body as object,
  });
const get = (url: string) => s.t.app.inject({ method: 'GET', url, headers: s.merchant.auth });

describe('stores', () => {
  it('creates a store, returns it with epoch-millisecond times, and emits store.created', async () => {
    const before = Date.now();
    const created = await post(sampleStore('S-1', { phone: '+1 555 0100' }));
    expect(created.statusCode).toBe(201);
    const store = created.json();
    expect(store).toMatchObject({
      storeId: 'S-1',
      type: 'store',
      currency: 'USD',
      active: true,
      phone: '+1 555 0100',
    });
    expect(store.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(store.email).toBeUndefined();

    const fetched = await get('/merchant/v1/stores/S-1');
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(store);

    const events = await eventsFor(s, 'S-1');
    expect(events.map((e) => e.type)).toEqual(['store.created']);
    expect(events[0]?.data).toEqual({ store });
  });

  it('refuses a second store with the same storeId with 409 and changes nothing', async () => {
    await post(sampleStore('S-dup'));
    const again = await post(sampleStore('S-dup', { name: 'Other name' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });
    expect((await get('/merchant/v1/stores/S-dup')).json().name).toBe('Store S-dup');
    expect((await eventsFor(s, 'S-dup')).length).toBe(1);
  });

  it('updates only the given fields, clears with null, and names the changed fields in store.updated', async () => {
    await post(sampleStore('S-upd', { email: 'shop@example.com' }));
    const updated = await put({ storeId: 'S-upd', name: 'Renamed', email: null, active: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Renamed', active: false, currency: 'USD' });
    expect(updated.json().email).toBeUndefined();
    const events = await eventsFor(s, 'S-upd');
    expect(events.map((e) => e.type)).toEqual(['store.created', 'store.updated']);
    expect(events[1]?.data.changed).toEqual(['name', 'email', 'active']);

    const unchanged = await put({ storeId: 'S-upd', name: 'Renamed' });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().updatedAt).toBe(updated.json().updatedAt);
    expect((await eventsFor(s, 'S-upd')).length).toBe(2);
  });

  it('answers 404 for a store that does not exist, on GET and PUT', async () => {
    const missing = await get('/merchant/v1/stores/NOPE');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ code: 'not_found', status: 404 });
    expect((await put({ storeId: 'NOPE', name: 'x' })).statusCode).toBe(404);
  });

  it('rejects invalid stores field by field and writes nothing', async () => {
    const bad = await post(
      sampleStore('S-bad', {
        currency: 'XXQ',
        timezone: 'Mars/Olympus',
        type: 'kiosk',
        address: { city: 'x', country: 'usa' },
      }),
    );
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.currency',
        'body.timezone',
        'body.type',
        'body.address.line1',
        'body.address.country',
      ]),
    );
    expect((await get('/merchant/v1/stores/S-bad')).statusCode).toBe(404);
  });

  it('lists every store exactly once across pages, with filters', async () => {
    for (const id of ['P-1', 'P-2', 'P-3', 'P-4', 'P-5']) await post(sampleStore(id));
    await post(sampleStore('W-1', { type: 'warehouse' }));
    await post(sampleStore('E-1', { type: 'ecommerce', active: false }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`/merchant/v1/stores?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((s: { storeId: string }) => s.storeId));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['P-1', 'P-5', 'W-1', 'E-1']));

    const warehouses = (await get('/merchant/v1/stores?type=warehouse')).json();
    expect(warehouses.data.map((s: { storeId: string }) => s.storeId)).toEqual(['W-1']);
    const inactive = (await get('/merchant/v1/stores?active=false')).json();
    expect(inactive.data.map((s: { storeId: string }) => s.storeId)).toEqual(['E-1', 'S-upd']);
  });
});
