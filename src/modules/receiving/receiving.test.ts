import { beforeAll, describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { expectReconciled } from '../../../test/helpers/inventory.ts';
import { ASN_URL, EXPECTED_AT, receivingApi } from './receiving.fixtures.ts';

const s = useAppWithMerchant();
const { call, createAsn, receive, newAsn, position, movementsOf, typesOf } = receivingApi(s);
const asnUrl = ASN_URL;
const expectedAt = EXPECTED_AT;

beforeAll(async () => {
  await receivingApi(s).setup(['TEE', 'CAP', 'MUG', 'BAG', 'HAT', 'SOCK', 'BELT']);
  // TEE sold out after an earlier delivery, and takes backorders: an ASN makes it back-ordered with a date.
  const backorders = await call('PUT', '/merchant/v1/storeproducts/inventory', {
    inventory: [{ storeId: 'DOCK', productId: 'TEE', allowBackorders: true }],
  });
  expect(backorders.statusCode).toBe(200);
  for (const quantity of [2, -2]) {
    const adjusted = await call('POST', '/merchant/v1/storeproducts/inventory', {
      inventory: [{ storeId: 'DOCK', productId: 'TEE', quantity, reason: 'correction' }],
    });
    expect(adjusted.statusCode).toBe(200);
  }
});

describe('advance shipping notices', () => {
  it('creates an ASN, answers it on GET, and expects its stock with its date', async () => {
    const created = await createAsn(
      newAsn('ASN-1', [
        { productId: 'TEE', quantity: 10 },
        { productId: 'CAP', quantity: 4 },
      ]),
    );
    expect(created.statusCode).toBe(201);
    const asn = created.json();
    expect(asn).toMatchObject({
      asnId: 'ASN-1',
      storeId: 'DOCK',
      supplier: 'Acme Apparel',
      expectedAt,
      status: 'open',
    });
    expect(asn.lines).toEqual([
      {
        productId: 'CAP',
        expectedQuantity: 4,
        receivedQuantity: 0,
        damagedQuantity: 0,
        remainingQuantity: 4,
      },
      {
        productId: 'TEE',
        expectedQuantity: 10,
        receivedQuantity: 0,
        damagedQuantity: 0,
        remainingQuantity: 10,
      },
    ]);
    expect((await call('GET', `${asnUrl}/ASN-1`)).json()).toEqual(asn);
    expect(await position('TEE')).toMatchObject({
      onHand: 0,
      status: 'back_ordered',
      expectedAt,
      expectedQuantity: 10,
    });
    expect(await position('CAP')).toMatchObject({ onHand: 0, expectedAt, expectedQuantity: 4 });
    const events = await eventsFor(s, 'ASN-1');
    expect(events.map((e) => e.type)).toEqual(['ASN_CREATED_EVENT']);
    expect(events[0]?.data).toEqual({ asn, exportEndpoint: 'INVENTORY_EXPORT_ASN' });
  });

  it('receives part of an ASN into on hand and damaged, then the rest, with the events of each receipt', async () => {
    const partial = await receive('ASN-1', {
      lines: [{ productId: 'TEE', quantity: 6, damagedQuantity: 1 }],
    });
    expect(partial.statusCode).toBe(200);
    expect(partial.json().status).toBe('partially_received');
    expect(partial.json().lines[1]).toEqual({
      productId: 'TEE',
      expectedQuantity: 10,
      receivedQuantity: 6,
      damagedQuantity: 1,
      remainingQuantity: 4,
    });
    expect(await position('TEE')).toMatchObject({ onHand: 5, buckets: { damaged: 1 }, expectedQuantity: 4 });
    expect(await movementsOf('ASN-1')).toEqual([
      { storeId: 'DOCK', productId: 'TEE', bucket: 'on_hand', quantity: 5, reason: 'asn_receipt' },
      { storeId: 'DOCK', productId: 'TEE', bucket: 'damaged', quantity: 1, reason: 'asn_receipt' },
    ]);
    expect(await typesOf('ASN-1')).toEqual([
      'ASN_CREATED_EVENT',
      'ASN_PARTIALLY_RECEIVED_EVENT',
      'ASN_RECEIVED_EVENT',
    ]);
    const received = (await eventsFor(s, 'ASN-1')).find((e) => e.type === 'ASN_RECEIVED_EVENT');
    expect(received?.data).toMatchObject({
      asnId: 'ASN-1',
      storeId: 'DOCK',
      status: 'partially_received',
      received: [{ productId: 'TEE', quantity: 6, damagedQuantity: 1 }],
      exportEndpoint: 'INVENTORY_EXPORT_ASN',
    });

    const rest = await receive('ASN-1', {
      lines: [
        { productId: 'CAP', quantity: 4 },
        { productId: 'TEE', quantity: 4 },
      ],
    });
    expect(rest.statusCode).toBe(200);
    expect(rest.json()).toMatchObject({ status: 'received', endedAt: expect.any(Number) });
    expect(rest.json().lines.map((line: { remainingQuantity: number }) => line.remainingQuantity)).toEqual([
      0, 0,
    ]);
    const tee = await position('TEE');
    expect(tee).toMatchObject({ onHand: 9, buckets: { damaged: 1 }, status: 'in_stock' });
    expect(tee.expectedQuantity).toBeUndefined();
    expect(await position('CAP')).toMatchObject({ onHand: 4 });
    const types = await typesOf('ASN-1');
    expect(types.filter((type) => type === 'ASN_RECEIVED_EVENT')).toHaveLength(2);
    expect(types.filter((type) => type === 'ASN_RECEIVE_COMPLETED_EVENT')).toHaveLength(1);
    const completed = (await eventsFor(s, 'ASN-1')).find((e) => e.type === 'ASN_RECEIVE_COMPLETED_EVENT');
    expect(completed?.data.asn).toEqual(rest.json());

    const again = await receive('ASN-1', { lines: [{ productId: 'TEE', quantity: 1 }] });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_state' });
  });

  it('refuses more than expected unless allowOverReceipt, naming the line, and writes nothing', async () => {
    await createAsn(
      newAsn('ASN-OVER', [
        { productId: 'MUG', quantity: 3 },
        { productId: 'BAG', quantity: 2 },
      ]),
    );
    const over = await receive('ASN-OVER', {
      lines: [
        { productId: 'BAG', quantity: 2 },
        { productId: 'MUG', quantity: 4 },
      ],
    });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({ code: 'rule_violated' });
    expect(over.json().errors).toEqual([
      { field: 'body.lines.1.quantity', message: expect.stringContaining('MUG') },
    ]);
    expect(await movementsOf('ASN-OVER')).toEqual([]);
    expect((await position('BAG')).onHand).toBe(0);
    expect((await call('GET', `${asnUrl}/ASN-OVER`)).json().status).toBe('open');
    expect(await typesOf('ASN-OVER')).toEqual(['ASN_CREATED_EVENT']);

    const allowed = await receive('ASN-OVER', {
      lines: [
        { productId: 'BAG', quantity: 2 },
        { productId: 'MUG', quantity: 4 },
      ],
      allowOverReceipt: true,
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().status).toBe('received');
    expect(allowed.json().lines[1]).toMatchObject({
      productId: 'MUG',
      expectedQuantity: 3,
      receivedQuantity: 4,
    });
    expect((await position('MUG')).onHand).toBe(4);
  });

  it('refuses a product that is not on the ASN with 422 and receives nothing', async () => {
    await createAsn(newAsn('ASN-OFF', [{ productId: 'HAT', quantity: 3 }]));
    const off = await receive('ASN-OFF', {
      lines: [
        { productId: 'HAT', quantity: 1 },
        { productId: 'SOCK', quantity: 1 },
      ],
    });
    expect(off.statusCode).toBe(422);
    expect(off.json().errors).toEqual([
      { field: 'body.lines.1.productId', message: expect.stringContaining('SOCK') },
    ]);
    expect(await movementsOf('ASN-OFF')).toEqual([]);
    expect((await position('HAT')).onHand).toBe(0);
  });

  it('closes an ASN short: the rest is no longer expected and receiving is complete', async () => {
    await createAsn(newAsn('ASN-SHORT', [{ productId: 'SOCK', quantity: 8 }]));
    await receive('ASN-SHORT', { lines: [{ productId: 'SOCK', quantity: 5 }] });
    expect((await position('SOCK')).expectedQuantity).toBe(3);
    const closed = await call('POST', `${asnUrl}/ASN-SHORT/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', endedAt: expect.any(Number) });
    expect(closed.json().lines[0]).toMatchObject({ receivedQuantity: 5, remainingQuantity: 0 });
    const sock = await position('SOCK');
    expect(sock.onHand).toBe(5);
    expect(sock.expectedQuantity).toBeUndefined();
    const completed = (await eventsFor(s, 'ASN-SHORT')).find((e) => e.type === 'ASN_RECEIVE_COMPLETED_EVENT');
    expect(completed?.data).toMatchObject({
      closedShort: true,
      shortLines: [{ productId: 'SOCK', shortQuantity: 3 }],
    });
    expect((await receive('ASN-SHORT', { lines: [{ productId: 'SOCK', quantity: 3 }] })).statusCode).toBe(
      409,
    );
    expect((await call('POST', `${asnUrl}/ASN-SHORT/close`)).statusCode).toBe(409);
    expect((await call('POST', `${asnUrl}/ASN-SHORT/cancel`)).statusCode).toBe(409);
  });

  it('cancels an ASN nothing was received for, but not one with receipts', async () => {
    await createAsn(newAsn('ASN-CXL', [{ productId: 'BELT', quantity: 2 }]));
    expect((await position('BELT')).expectedQuantity).toBe(2);
    const cancelled = await call('POST', `${asnUrl}/ASN-CXL/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await position('BELT')).expectedQuantity).toBeUndefined();
    expect(await typesOf('ASN-CXL')).toEqual(['ASN_CANCELLED_EVENT', 'ASN_CREATED_EVENT']);
    expect((await receive('ASN-CXL', { lines: [{ productId: 'BELT', quantity: 1 }] })).statusCode).toBe(409);

    await createAsn(newAsn('ASN-CXL2', [{ productId: 'BELT', quantity: 2 }]));
    await receive('ASN-CXL2', { lines: [{ productId: 'BELT', quantity: 1 }] });
    const refused = await call('POST', `${asnUrl}/ASN-CXL2/cancel`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'invalid_state' });
    expect((await call('GET', `${asnUrl}/ASN-CXL2`)).json().status).toBe('partially_received');
  });

  it('answers 404 for an ASN that does not exist', async () => {
    for (const [method, url] of [
      ['GET', `${asnUrl}/NOPE`],
      ['POST', `${asnUrl}/NOPE/close`],
      ['POST', `${asnUrl}/NOPE/cancel`],
    ] as const) {
      const response = await call(method, url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not_found' });
    }
    expect((await receive('NOPE', { lines: [{ productId: 'TEE', quantity: 1 }] })).statusCode).toBe(404);
  });

  it('leaves every balance the sum of its movements', async () => {
    await expectReconciled(s);
  });
});
