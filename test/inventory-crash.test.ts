import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInventory } from '../src/modules/inventory/service.ts';
import { asSystem } from '../src/platform/system-context.ts';
import { useAppWithMerchant } from './helpers/app.ts';
import { merchantApi, seedCatalog } from './helpers/inventory.ts';
import {
  type HttpOutcome,
  requestJson,
  startServerProcess,
  stopAllServers,
} from './helpers/server-process.ts';
import { until } from './helpers/until.ts';

// A server process is killed (SIGKILL) while a burst of reservations is in flight. Every reservation it
// acknowledged must survive, every one it refused must not exist, and whatever happened to the requests cut
// off mid-flight, the balances must equal what the surviving reservations hold.

const CLIENTS = 24;
const SLOTS = 3_000;
/** Even requests also take one unit of SCARCE, which runs out early: those start answering 409. */
const SCARCE_UNITS = 40;
const DEEP_UNITS = 100_000;
const KILL_AFTER = { acknowledged: 100, refused: 30 };

const s = useAppWithMerchant();
const api = merchantApi(s);

beforeAll(async () => {
  await seedCatalog(s, ['WEB'], ['SCARCE', 'DEEP']);
  const stocked = await api.setStock([
    { storeId: 'WEB', productId: 'SCARCE', quantity: SCARCE_UNITS },
    { storeId: 'WEB', productId: 'DEEP', quantity: DEEP_UNITS },
  ]);
  expect(stocked.statusCode).toBe(200);
});
afterAll(stopAllServers);

const reservationId = (i: number) => `crash-${i}`;
const linesOf = (i: number) =>
  i % 2 === 0
    ? [
        { productId: 'DEEP', quantity: 1 },
        { productId: 'SCARCE', quantity: 1 },
      ]
    : [{ productId: 'DEEP', quantity: 1 }];
const reservationBody = (i: number) => ({
  reservationId: reservationId(i),
  storeId: 'WEB',
  reference: { type: 'cart', id: `cart-${i}` },
  lines: linesOf(i),
});

describe('a server killed with SIGKILL in the middle of a burst of reservations', { timeout: 60_000 }, () => {
  it('keeps every acknowledged reservation, none of the refused ones, and balances that reconcile', async () => {
    const headers = s.merchant.auth;
    const first = await startServerProcess(s.t.databaseUrl);
    const answers = new Map<number, HttpOutcome>();
    const acknowledged: number[] = [];
    const refused: number[] = [];
    let sent = 0;
    let armed = false;
    let killed = false;
    const client = async () => {
      while (!killed && sent < SLOTS) {
        const i = sent++;
        const outcome = await requestJson(
          `${first.url}/merchant/v1/ims/inventory/reservations`,
          'POST',
          headers,
          reservationBody(i),
        );
        answers.set(i, outcome);
        if (outcome.status === 201) acknowledged.push(i);
        if (outcome.status === 409) refused.push(i);
        armed ||= acknowledged.length >= KILL_AFTER.acknowledged && refused.length >= KILL_AFTER.refused;
      }
    };
    // Once both outcomes have been seen, the kill comes the moment the database holds a reservation the
    // clients have not heard of yet (or soon after), so that a commit whose answer is lost is likely.
    const killer = async () => {
      await until(() => (armed ? true : undefined));
      for (let look = 0; look < 200; look++) {
        const { rows } = await s.t.database.pool.query(
          'select count(*)::int as n from stock_reservations where tenant_id = $1',
          [s.merchant.tenant.id],
        );
        if (rows[0].n > acknowledged.length) break;
      }
      killed = true;
      first.child.kill('SIGKILL');
    };
    await Promise.all([killer(), ...Array.from({ length: CLIENTS }, client)]);
    await first.exited;
    expect(killed).toBe(true);
    expect(answers.size).toBeLessThan(SLOTS);
    expect(first.child.signalCode).toBe('SIGKILL');

    // Before the kill the server answered only 201 or 409 insufficient_stock; then connections were cut.
    const cutOff = [...answers.keys()].filter((i) => answers.get(i)?.status === 'no answer');
    expect(acknowledged.length + refused.length + cutOff.length).toBe(answers.size);
    for (const i of refused) expect(answers.get(i)).toMatchObject({ body: { code: 'insufficient_stock' } });
    expect(refused.every((i) => i % 2 === 0)).toBe(true);

    const second = await startServerProcess(s.t.databaseUrl);
    const read = (i: number) =>
      requestJson(`${second.url}/merchant/v1/ims/inventory/reservations/${reservationId(i)}`, 'GET', headers);
    const sentIds = [...answers.keys()];
    const afterRestart = new Map(await Promise.all(sentIds.map(async (i) => [i, await read(i)] as const)));

    for (const i of acknowledged) {
      expect(afterRestart.get(i), reservationId(i)).toMatchObject({
        status: 200,
        body: { status: 'active', lines: linesOf(i) },
      });
    }
    for (const i of refused) expect(afterRestart.get(i)?.status, reservationId(i)).toBe(404);
    const survivedCutOff = cutOff.filter((i) => afterRestart.get(i)?.status === 200);
    for (const i of cutOff) expect([200, 404]).toContain(afterRestart.get(i)?.status);
    for (const i of survivedCutOff) {
      expect(afterRestart.get(i)).toMatchObject({ body: { status: 'active', lines: linesOf(i) } });
    }

    // The stock held is exactly what the surviving reservations hold, and never more than there was.
    const existing = [...acknowledged, ...survivedCutOff];
    const held = (productId: string) =>
      existing.flatMap(linesOf).filter((line) => line.productId === productId).length;
    expect(held('SCARCE')).toBeLessThanOrEqual(SCARCE_UNITS);
    const scarce = await api.position('WEB', 'SCARCE');
    const deep = await api.position('WEB', 'DEEP');
    expect(scarce).toMatchObject({ onHand: SCARCE_UNITS, reserved: held('SCARCE') });
    expect(scarce.available).toBeGreaterThanOrEqual(0);
    expect(deep).toMatchObject({ onHand: DEEP_UNITS, reserved: held('DEEP') });
    const verification = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', verifyInventory);
    expect(verification).toMatchObject({ ledgerMismatches: [], reservationMismatches: [] });

    // A client that never heard back retries with its reservationId: it gets its reservation, or is told it
    // already has one, and never holds stock twice.
    const retries = await Promise.all(
      cutOff.map((i) =>
        requestJson(
          `${second.url}/merchant/v1/ims/inventory/reservations`,
          'POST',
          headers,
          reservationBody(i),
        ),
      ),
    );
    for (const [index, i] of cutOff.entries()) {
      const retry = retries[index];
      if (survivedCutOff.includes(i)) {
        expect(retry).toMatchObject({ status: 409, body: { code: 'already_exists' } });
      } else if (retry?.status !== 201) {
        expect(retry).toMatchObject({ status: 409, body: { code: 'insufficient_stock' } });
      }
    }
    const retried = retries.filter((retry) => retry.status === 201).length;
    expect((await api.position('WEB', 'DEEP')).reserved).toBe(held('DEEP') + retried);
    const afterRetries = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', verifyInventory);
    expect(afterRetries).toMatchObject({ ledgerMismatches: [], reservationMismatches: [] });
  });
});
