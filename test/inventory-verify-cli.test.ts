import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from './helpers/app.ts';
import { backroomCli } from './helpers/cli.ts';
import { merchantApi, seedCatalog } from './helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const backroom = backroomCli(s);
const verify = () => backroom('inventory', 'verify', '--tenant', s.merchant.tenant.merchantId);

beforeAll(async () => {
  await seedCatalog(s, ['NYC'], ['TEE', 'CAP']);
  await api.setStock([
    { storeId: 'NYC', productId: 'TEE', quantity: 8 },
    { storeId: 'NYC', productId: 'CAP', quantity: 3 },
  ]);
  await api.reserve({
    storeId: 'NYC',
    reference: { type: 'order', id: 'o-1' },
    lines: [{ productId: 'TEE', quantity: 2 }],
  });
});

describe('backroom inventory verify', () => {
  it('exits 0 when every balance is the sum of its movements and reservations', async () => {
    const result = await verify();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Inventory reconciles: \d+ balances match/);
  });

  it('warns, still exiting 0, when stock lost while reserved leaves reservations that cannot be filled', async () => {
    const lost = await api.adjustStock([{ storeId: 'NYC', productId: 'TEE', quantity: -7, reason: 'theft' }]);
    expect(lost.statusCode).toBe(200);
    const result = await verify();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Warning: NYC TEE has 2 reserved but 1 on hand; some reservations cannot be filled.',
    );
  });

  it('exits 1 and names the balances that do not match', async () => {
    await s.t.database.pool.query(
      `update stock_levels set reserved = reserved + 1 where tenant_id = $1 and product_id = 'CAP'`,
      [s.merchant.tenant.id],
    );
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Inventory does not reconcile: 2 mismatches.');
    expect(result.stderr).toContain('NYC CAP reserved: balance 1, ledger says 0');
    expect(result.stderr).toContain('NYC CAP reserved: balance 1, reservations hold 0');
  });
});
