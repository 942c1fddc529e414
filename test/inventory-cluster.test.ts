import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInventory } from '../src/modules/inventory/service.ts';
import { asSystem } from '../src/platform/system-context.ts';
import { useAppWithMerchant } from './helpers/app.ts';
import { backroomCli } from './helpers/cli.ts';
import { merchantApi, seedCatalog } from './helpers/inventory.ts';
import {
  type HttpOutcome,
  requestJson,
  type ServerProcess,
  startServerProcess,
  stopAllServers,
} from './helpers/server-process.ts';

// Reservations race for the last units of one product through several Backroom processes on one database:
// only the conditional update in PostgreSQL stands between them and overselling.

const SERVERS = 4;
const REQUESTS = 400;
const ON_HAND = 10;

const s = useAppWithMerchant();
const api = merchantApi(s);
const backroom = backroomCli(s);
let servers: ServerProcess[] = [];

beforeAll(async () => {
  await seedCatalog(s, ['WEB'], ['HOT']);
  expect((await api.setStock([{ storeId: 'WEB', productId: 'HOT', quantity: ON_HAND }])).statusCode).toBe(
    200,
  );
  servers = await Promise.all(Array.from({ length: SERVERS }, () => startServerProcess(s.t.databaseUrl)));
}, 90_000);
afterAll(stopAllServers);

const histogram = (outcomes: HttpOutcome[]) =>
  outcomes.reduce<Record<string, number>>((counts, outcome) => {
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    return counts;
  }, {});

describe(`${REQUESTS} concurrent reservations of a product with ${ON_HAND} units over ${SERVERS} processes`, () => {
  it(`reserves exactly ${ON_HAND}, refuses the rest with insufficient_stock, and the ledger reconciles`, async () => {
    const headers = s.merchant.auth;
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        requestJson(`${servers[i % SERVERS]?.url}/merchant/v1/ims/inventory/reservations`, 'POST', headers, {
          reservationId: `race-${i}`,
          storeId: 'WEB',
          reference: { type: 'cart', id: `cart-${i}` },
          lines: [{ productId: 'HOT', quantity: 1 }],
        }),
      ),
    );

    expect(histogram(outcomes)).toEqual({ 201: ON_HAND, 409: REQUESTS - ON_HAND });
    const refusals = outcomes.filter((outcome) => outcome.status === 409);
    expect(new Set(refusals.map((outcome) => (outcome as { body: any }).body.code))).toEqual(
      new Set(['insufficient_stock']),
    );
    const winners = outcomes.flatMap((outcome, i) => (outcome.status === 201 ? [`race-${i}`] : []));

    expect(await api.position('WEB', 'HOT')).toMatchObject({
      onHand: ON_HAND,
      reserved: ON_HAND,
      available: 0,
      status: 'out_of_stock',
    });
    const { rows } = await s.t.database.pool.query(
      `select reservation_id from stock_reservations where tenant_id = $1 and status = 'active' order by 1`,
      [s.merchant.tenant.id],
    );
    expect(rows.map((row) => row.reservation_id)).toEqual(winners.sort());
    const verification = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', verifyInventory);
    expect(verification).toMatchObject({ ledgerMismatches: [], reservationMismatches: [] });
    expect(verification.balancesChecked).toBeGreaterThan(0);
  });

  it('`backroom inventory verify` agrees: the tenant reconciles (exit 0)', async () => {
    const run = await backroom('inventory', 'verify', '--tenant', s.merchant.tenant.merchantId);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Inventory reconciles: \d+ balances match/);
  });
});
