import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { expectReconciled, queueBehindStockLevel } from '../../../test/helpers/inventory.ts';
import { ASN_URL, receivingApi } from './receiving.fixtures.ts';

const s = useAppWithMerchant();
const { call, createAsn, receive, newAsn, position, movementsOf, typesOf } = receivingApi(s);
const asnUrl = ASN_URL;

beforeAll(() => receivingApi(s).setup(['TEE', 'CAP', 'RACE', 'LK1', 'LK2', 'GONE']));

describe('bad ASNs and receipts', () => {
  it('refuses an unknown store or product with 422 naming each, and creates nothing', async () => {
    const response = await createAsn({
      ...newAsn('ASN-BAD', [
        { productId: 'TEE', quantity: 1 },
        { productId: 'GHOST', quantity: 1 },
      ]),
      storeId: 'NOWHERE',
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'unknown_reference' });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.storeId',
      'body.lines.1.productId',
    ]);
    expect((await call('GET', `${asnUrl}/ASN-BAD`)).statusCode).toBe(404);
    expect(await eventsFor(s, 'ASN-BAD')).toEqual([]);
  });

  it('refuses a second ASN with the same asnId with 409 and keeps the first', async () => {
    expect((await createAsn(newAsn('ASN-DUP', [{ productId: 'TEE', quantity: 1 }]))).statusCode).toBe(201);
    const again = await createAsn(newAsn('ASN-DUP', [{ productId: 'CAP', quantity: 5 }]));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });
    expect((await call('GET', `${asnUrl}/ASN-DUP`)).json().lines).toHaveLength(1);
  });

  it('rejects zero, negative and repeated lines with 400 naming the field', async () => {
    const cases: [object, string][] = [
      [newAsn('ASN-Z', [{ productId: 'TEE', quantity: 0 }]), 'body.lines.0.quantity'],
      [newAsn('ASN-N', [{ productId: 'TEE', quantity: -2 }]), 'body.lines.0.quantity'],
      [
        newAsn('ASN-R', [
          { productId: 'TEE', quantity: 1 },
          { productId: 'TEE', quantity: 2 },
        ]),
        'body.lines.1.productId',
      ],
      [newAsn('ASN-E', []), 'body.lines'],
      [newAsn('ASN-U', [{ productId: 'TEE', quantity: 1 }], { carrier: 'x' }), 'body.carrier'],
      [newAsn('bad id!', [{ productId: 'TEE', quantity: 1 }]), 'body.asnId'],
      // Past the last date JavaScript can hold (year 275760), and past the year 9999.
      [newAsn('ASN-T1', [{ productId: 'TEE', quantity: 1 }], { expectedAt: 9e15 }), 'body.expectedAt'],
      [newAsn('ASN-T2', [{ productId: 'TEE', quantity: 1 }], { expectedAt: 3e14 }), 'body.expectedAt'],
    ];
    for (const [body, field] of cases) {
      const response = await createAsn(body);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await createAsn(newAsn('ASN-RCPT', [{ productId: 'TEE', quantity: 5 }]));
    const receipts: [object, string][] = [
      [{ lines: [{ productId: 'TEE', quantity: 0 }] }, 'body.lines.0.quantity'],
      [{ lines: [{ productId: 'TEE', quantity: 2, damagedQuantity: 3 }] }, 'body.lines.0.damagedQuantity'],
      [
        {
          lines: [
            { productId: 'TEE', quantity: 1 },
            { productId: 'TEE', quantity: 1 },
          ],
        },
        'body.lines.1.productId',
      ],
    ];
    for (const [body, field] of receipts) {
      const response = await receive('ASN-RCPT', body);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await movementsOf('ASN-RCPT')).toEqual([]);
  });

  it('receives a product deleted from the catalog after the ASN was made: its stock is real', async () => {
    await createAsn(newAsn('ASN-GONE', [{ productId: 'GONE', quantity: 2 }]));
    const deleted = await call('DELETE', '/merchant/v1/products', { productIds: ['GONE'] });
    expect(deleted.json().summary.deleted).toBe(1);
    const received = await receive('ASN-GONE', { lines: [{ productId: 'GONE', quantity: 2 }] });
    expect(received.statusCode, received.body).toBe(200);
    expect(received.json()).toMatchObject({ status: 'received' });
    expect(await movementsOf('ASN-GONE')).toEqual([
      { storeId: 'DOCK', productId: 'GONE', bucket: 'on_hand', quantity: 2, reason: 'asn_receipt' },
    ]);
  });

  it('needs inventory:write to create or receive, inventory:read to look', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['inventory:read'] } });
    const refused = await call(
      'POST',
      asnUrl,
      newAsn('ASN-RO', [{ productId: 'TEE', quantity: 1 }]),
      reader.auth,
    );
    expect(refused.statusCode).toBe(403);
    expect((await call('GET', `${asnUrl}/ASN-1`, undefined, reader.auth)).statusCode).toBe(404);
  });
});

describe('concurrent receipts', () => {
  it('never receive more than the ASN expects, however many race', async () => {
    await createAsn(newAsn('ASN-RACE', [{ productId: 'RACE', quantity: 10 }]));
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => receive('ASN-RACE', { lines: [{ productId: 'RACE', quantity: 3 }] })),
    );
    const statuses = attempts.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 422, 422, 422, 422, 422]);
    const asn = (await call('GET', `${asnUrl}/ASN-RACE`)).json();
    expect(asn.lines[0]).toMatchObject({ receivedQuantity: 9, remainingQuantity: 1 });
    expect((await position('RACE')).onHand).toBe(9);
    expect((await movementsOf('ASN-RACE')).reduce((sum, m) => sum + Number(m.quantity), 0)).toBe(9);
    expect((await typesOf('ASN-RACE')).filter((type) => type === 'ASN_RECEIVED_EVENT')).toHaveLength(3);
  });

  it('creates many ASNs of the same products at once, whatever order their lines come in', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createAsn(
          newAsn(
            `ASN-MANY-${i}`,
            i % 2 === 0
              ? [
                  { productId: 'TEE', quantity: 1 },
                  { productId: 'CAP', quantity: 1 },
                ]
              : [
                  { productId: 'CAP', quantity: 1 },
                  { productId: 'TEE', quantity: 1 },
                ],
          ),
        ),
      ),
    );
    expect(created.map((response) => response.statusCode)).toEqual(Array(8).fill(201));
    expect((await position('CAP')).expectedQuantity).toBeGreaterThanOrEqual(8);
  });

  it('receives part of an ASN while a reservation takes its other products too, without deadlock', async () => {
    const stocked = await call('POST', '/merchant/v1/storeproducts/inventory', {
      inventory: ['LK1', 'LK2'].map((productId) => ({
        storeId: 'DOCK',
        productId,
        quantity: 5,
        reason: 'found',
      })),
    });
    expect(stocked.statusCode).toBe(200);
    await createAsn(
      newAsn('ASN-LOCK', [
        { productId: 'LK1', quantity: 3 },
        { productId: 'LK2', quantity: 3 },
      ]),
    );
    // The receipt of LK2 and a reservation of LK1 and LK2 queue behind LK2 in that order: the receipt, which
    // also refreshes what the ASN still brings of LK1, must not hold LK2 while it waits for LK1.
    const [received, reserved] = await queueBehindStockLevel(s, { storeId: 'DOCK', productId: 'LK2' }, [
      () => receive('ASN-LOCK', { lines: [{ productId: 'LK2', quantity: 1 }] }),
      () =>
        call('POST', '/merchant/v1/ims/inventory/reservations', {
          storeId: 'DOCK',
          reference: { type: 'cart', id: 'CART-LOCK' },
          lines: [
            { productId: 'LK1', quantity: 1 },
            { productId: 'LK2', quantity: 1 },
          ],
        }),
    ]);
    expect(received.statusCode, received.body).toBe(200);
    expect(reserved.statusCode, reserved.body).toBe(201);
    expect(await position('LK2')).toMatchObject({ onHand: 6, reserved: 1, expectedQuantity: 2 });
    await expectReconciled(s);
  });
});
