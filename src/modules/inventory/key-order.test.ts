import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AppWithMerchant, createMerchant, startTestApp } from '../../../test/helpers/app.ts';
import { merchantApi, queueBehindStockLevel, seedCatalog } from '../../../test/helpers/inventory.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';

// A managed PostgreSQL is often created with a language's collation, where "a1" sorts before "B1"; in byte
// order (and in JavaScript) "B1" comes first. Writers must lock in one order whatever the database sorts by.

const s = {} as AppWithMerchant;
const api = merchantApi(s);

beforeAll(async () => {
  const server = inject('postgresServerUrl');
  const name = `icu_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    await admin.query(
      `create database ${name} template template0 encoding 'UTF8' locale_provider icu icu_locale 'en-US' locale 'C'`,
    );
  } finally {
    await admin.end();
  }
  const database = openDatabase(`${server}/${name}`, 2);
  await migrateToLatest(database.db, database.pool);
  await database.close();
  s.t = await startTestApp({ databaseUrl: `${server}/${name}` });
  s.merchant = await createMerchant(s.t.platform);
  await seedCatalog(s, ['WEB'], ['a1', 'B1']);
  const stocked = await api.setStock([
    { storeId: 'WEB', productId: 'a1', quantity: 5 },
    { storeId: 'WEB', productId: 'B1', quantity: 5 },
  ]);
  expect(stocked.statusCode).toBe(200);
});
afterAll(() => s.t?.close());

describe('lock order under a language collation', () => {
  it('lets a reservation and an adjustment of the same two products wait for each other, not deadlock', async () => {
    const { rows } = await s.t.database.pool.query(`select 'a1' < 'B1' as "languageOrder"`);
    expect(rows[0].languageOrder).toBe(true);
    const [adjusted, reserved] = await queueBehindStockLevel(s, { storeId: 'WEB', productId: 'a1' }, [
      () =>
        api.adjustStock(
          ['a1', 'B1'].map((productId) => ({ storeId: 'WEB', productId, quantity: 1, reason: 'found' })),
        ),
      () =>
        api.reserve({
          storeId: 'WEB',
          reference: { type: 'cart', id: 'cart-1' },
          lines: [
            { productId: 'a1', quantity: 1 },
            { productId: 'B1', quantity: 1 },
          ],
        }),
    ]);
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    expect(reserved.statusCode, reserved.body).toBe(201);
  });
});
