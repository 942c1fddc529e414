import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpiServer, startSpiServer } from '../../../examples/spi-server/server.ts';
import {
  createMerchant,
  eventsFor,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';
import { allowNetworks, insertConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const SPI_KEY = 'master-key-5c8e1d7a';
const servers: SpiServer[] = [];
let spi: SpiServer;
/** Every answer Backroom gave in this file, to check the SPI's api key never shows. */
const answers: string[] = [];

async function spiServer(): Promise<SpiServer> {
  const started = await startSpiServer({ apiKey: SPI_KEY });
  servers.push(started);
  return started;
}

beforeAll(async () => {
  spi = await spiServer();
});
afterAll(() => Promise.all(servers.map((server) => server.close())));

const INTEGRATION_TYPES = {
  GET_CUSTOMER: 'HTTP_GET',
  SEARCH_CUSTOMERS: 'HTTP_GET',
  CREATE_CUSTOMER: 'HTTP_POST',
  UPDATE_CUSTOMER: 'HTTP_PUT',
  GET_CUSTOMER_ADDRESSES: 'HTTP_GET',
  CREATE_CUSTOMER_ADDRESS: 'HTTP_POST',
  UPDATE_CUSTOMER_ADDRESS: 'HTTP_PUT',
  DELETE_CUSTOMER_ADDRESS: 'HTTP_DELETE',
} as const;
type Capability = keyof typeof INTEGRATION_TYPES;

/** A merchant of its own whose customer-master SPIs point at `server`, with loopback allowed. */
async function merchantWithMaster(capabilities: Capability[], server = spi, apiKey = SPI_KEY) {
  const merchant: TestMerchant = await createMerchant(s.t.platform);
  await allowNetworks(s.t.platform, merchant.tenant.id);
  for (const endpointName of capabilities) {
    await insertConnector(s.t.platform, merchant.tenant.id, {
      type: 'SPI',
      endpointName,
      url: server.url,
      integrationType: INTEGRATION_TYPES[endpointName],
      apiKey,
      apiVersion: '1.0',
    });
  }
  const api = merchantApi(s, () => merchant);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object) => {
    const response = await api.call(method, url, body);
    answers.push(response.body);
    return response;
  };
  return {
    merchant,
    get: (customerId: string) => call('GET', `/merchant/v1/customers/${encodeURIComponent(customerId)}`),
    search: (query: string) => call('GET', `/merchant/v1/customers?${query}`),
    create: (body: object) => call('POST', '/merchant/v1/customers', body),
    call,
    update: (customerId: string, body: object) =>
      call('PUT', `/merchant/v1/customers/${encodeURIComponent(customerId)}`, body),
  };
}

describe('the merchant system as customer master', () => {
  it('answers GET from the GET_CUSTOMER SPI, mirrors it, and answers the mirror when the SPI is gone', async () => {
    const own = await spiServer();
    const m = await merchantWithMaster(['GET_CUSTOMER'], own);
    const first = await m.get('C-1001');
    expect(first.statusCode).toBe(200);
    const customer = first.json();
    expect(customer).toMatchObject({
      customerId: 'C-1001',
      firstName: 'Ana',
      lastName: 'Silva',
      email: 'ana.silva@example.com',
      phone: '+12125550100',
      phoneNormalized: '+12125550100',
      channel: 'import',
      marketing: { email: false, sms: false },
      status: 'active',
      source: 'spi',
    });
    expect(customer.loyaltyProfile).toBeUndefined();
    const events = await eventsFor(s, 'C-1001', m.merchant);
    expect(events.map((event) => event.type)).toEqual(['customer.created']);

    expect((await m.get('C-1001')).json()).toEqual(customer);
    expect(await eventsFor(s, 'C-1001', m.merchant)).toHaveLength(1);

    await own.close();
    const mirrored = await m.get('C-1001');
    expect(mirrored.statusCode).toBe(200);
    expect(mirrored.json()).toEqual({ ...customer, source: 'backroom' });
  });

  it("falls back to Backroom's own record when the SPI fails, and answers 404 when there is none", async () => {
    const m = await merchantWithMaster(['GET_CUSTOMER']);
    const local = await m.create({ customerId: 'LOCAL-1', firstName: 'Kim', channel: 'store' });
    expect(local.statusCode).toBe(201);
    expect(local.json().source).toBeUndefined();

    // The master does not know LOCAL-1: an error answer, so Backroom's record answers.
    const found = await m.get('LOCAL-1');
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ customerId: 'LOCAL-1', firstName: 'Kim', source: 'backroom' });
    const missing = await m.get('C-9');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');

    const wrongKey = await merchantWithMaster(['GET_CUSTOMER'], spi, 'not-the-key');
    const refused = await wrongKey.get('C-1002');
    expect(refused.statusCode).toBe(404);
  });

  it('leaves `source` out without a customer-master SPI', async () => {
    const m = await merchantWithMaster([]);
    const created = await m.create({ firstName: 'Noor', channel: 'web' });
    expect(created.statusCode).toBe(201);
    const fetched = await m.get(created.json().customerId);
    expect(fetched.json()).toEqual(created.json());
    expect(fetched.json().source).toBeUndefined();
    expect((await m.search('name=Noor')).json().source).toBeUndefined();
  });

  it("searches through the SEARCH_CUSTOMERS SPI as one page, and falls back to Backroom's search", async () => {
    const m = await merchantWithMaster(['SEARCH_CUSTOMERS']);
    const found = await m.search('email=ANA.SILVA%40example.com&limit=10');
    expect(found.statusCode).toBe(200);
    const page = found.json();
    expect(page).toMatchObject({ nextCursor: null, source: 'spi' });
    expect(page.data.map((customer: { customerId: string }) => customer.customerId)).toEqual(['C-1001']);
    expect(page.data[0].source).toBeUndefined();

    // Mirrored: a GET without a GET_CUSTOMER SPI answers Backroom's copy.
    const copy = await m.get('C-1001');
    expect(copy.statusCode).toBe(200);
    expect(copy.json()).toMatchObject({ customerId: 'C-1001', firstName: 'Ana' });

    // The example master only searches by e-mail: a 400, so Backroom searches its own records.
    const byName = await m.search('name=ana');
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toMatchObject({ nextCursor: null, source: 'backroom' });
    expect(byName.json().data.map((customer: { customerId: string }) => customer.customerId)).toEqual([
      'C-1001',
    ]);
  });

  it('creates through the CREATE_CUSTOMER SPI, mirrored, and in Backroom alone when the SPI fails', async () => {
    const own = await spiServer();
    const m = await merchantWithMaster(['CREATE_CUSTOMER', 'GET_CUSTOMER'], own);
    const created = await m.create({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'Grace@Example.com',
      channel: 'web',
      marketing: { email: true, sms: false },
    });
    expect(created.statusCode).toBe(201);
    const customer = created.json();
    expect(customer.customerId).toMatch(/^C-\d+$/);
    expect(customer).toMatchObject({
      firstName: 'Grace',
      email: 'Grace@Example.com',
      channel: 'web',
      marketing: { email: true, sms: false },
      source: 'spi',
    });
    const events = await eventsFor(s, customer.customerId, m.merchant);
    expect(events.map((event) => event.type)).toEqual(['customer.created']);
    // The master has it: GET_CUSTOMER answers it from there.
    expect((await m.get(customer.customerId)).json()).toMatchObject({
      customerId: customer.customerId,
      source: 'spi',
    });

    await own.close();
    const fallback = await m.create({ firstName: 'Alan', email: 'alan@example.com', channel: 'web' });
    expect(fallback.statusCode).toBe(201);
    expect(fallback.json().customerId).toMatch(/^C\d{8}$/);
    expect(fallback.json().source).toBe('backroom');
  });

  it("updates through the UPDATE_CUSTOMER SPI, mirrored, and Backroom's record alone when the SPI fails", async () => {
    const own = await spiServer();
    const m = await merchantWithMaster(['CREATE_CUSTOMER', 'UPDATE_CUSTOMER', 'GET_CUSTOMER'], own);
    const created = await m.create({
      firstName: 'Edsger',
      lastName: 'Dijkstra',
      email: 'ewd@example.com',
      channel: 'web',
    });
    const { customerId } = created.json();
    expect(created.json().source).toBe('spi');

    const updated = await m.update(customerId, {
      lastName: 'W. Dijkstra',
      email: null,
      phone: '+31205550100',
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      customerId,
      lastName: 'W. Dijkstra',
      phone: '+31205550100',
      source: 'spi',
    });
    expect(updated.json().email).toBeUndefined();
    // The master kept the change: GET_CUSTOMER answers it from there.
    expect((await m.get(customerId)).json()).toMatchObject({ lastName: 'W. Dijkstra', source: 'spi' });
    const events = await eventsFor(s, customerId, m.merchant);
    expect(events.map((event) => event.type)).toEqual(['customer.created', 'customer.updated']);

    const unknown = await m.update('C-NOT-THERE', { note: 'x' });
    expect(unknown.statusCode).toBe(404);

    await own.close();
    const fallback = await m.update(customerId, { note: 'Prefers e-mail' });
    expect(fallback.statusCode).toBe(200);
    expect(fallback.json()).toMatchObject({ customerId, note: 'Prefers e-mail', source: 'backroom' });
  });

  it("keeps addresses in the merchant's system with the address SPIs, and Backroom's own when they fail", async () => {
    const own = await spiServer();
    const m = await merchantWithMaster(
      [
        'GET_CUSTOMER',
        'GET_CUSTOMER_ADDRESSES',
        'CREATE_CUSTOMER_ADDRESS',
        'UPDATE_CUSTOMER_ADDRESS',
        'DELETE_CUSTOMER_ADDRESS',
      ],
      own,
    );
    await m.get('C-1001');
    const url = '/merchant/v1/customers/C-1001/addresses';
    const listed = await m.call('GET', url);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ source: 'spi', data: [{ addressId: 'A-1', city: 'New York' }] });

    const created = await m.call('POST', url, {
      line1: '1 Main St',
      city: 'Boston',
      country: 'US',
      phone: '+16175550100',
    });
    expect(created.statusCode).toBe(201);
    const addressId = created.json().addressId;
    expect(created.json()).toMatchObject({ line1: '1 Main St', city: 'Boston', source: 'spi' });
    expect(addressId).toMatch(/^A-\d+$/);

    const changed = await m.call('PUT', `${url}/${addressId}`, { city: 'Cambridge', phone: null });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ addressId, city: 'Cambridge', source: 'spi' });
    expect(changed.json().phone).toBeUndefined();

    const deleted = await m.call('DELETE', `${url}/${addressId}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ addressId, source: 'spi' });
    expect((await m.call('GET', url)).json().data.map((a: { addressId: string }) => a.addressId)).toEqual([
      'A-1',
    ]);
    const events = await eventsFor(s, 'C-1001', m.merchant);
    expect(
      events.filter((event) => event.type === 'customer.address_changed').map((event) => event.data.change),
    ).toEqual(['created', 'updated', 'deleted']);

    // The master is gone: Backroom's own addresses answer, and a change is made there.
    await own.close();
    const fallback = await m.call('GET', url);
    expect(fallback.json()).toEqual({ data: [], source: 'backroom' });
    const local = await m.call('POST', url, { line1: '9 Pine Rd', city: 'Salem', country: 'US' });
    expect(local.statusCode).toBe(201);
    expect(local.json()).toMatchObject({ defaultShipping: true, source: 'backroom' });
    expect((await m.call('DELETE', `${url}/A-1`)).statusCode).toBe(404);
  });

  it('answers a retried create with the same Idempotency-Key without asking the master to create again', async () => {
    const own = await spiServer();
    const m = await merchantWithMaster(['CREATE_CUSTOMER'], own);
    const api = merchantApi(s, () => m.merchant);
    const body = { firstName: 'Ada', email: 'ada@example.com', channel: 'web' };
    const first = await api.call('POST', '/merchant/v1/customers', body, { 'idempotency-key': 'create-ada' });
    const retry = await api.call('POST', '/merchant/v1/customers', body, { 'idempotency-key': 'create-ada' });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().customerId).toBe(first.json().customerId);
    // The master numbers its customers in order: had the retry reached it, the next one would skip a number.
    const next = await m.create({ firstName: 'Alan', email: 'alan@example.com', channel: 'web' });
    const number = (customer: { customerId: string }) => Number(customer.customerId.slice(2));
    expect(number(next.json())).toBe(number(first.json()) + 1);
  });

  it('gives a freed loyalty id to the mirror or to a concurrent update, never a 500 from the unique index', async () => {
    // The example master keeps what CREATE_CUSTOMER gave it, whichever merchant asked.
    const creator = await merchantWithMaster(['CREATE_CUSTOMER']);
    const m = await merchantWithMaster(['GET_CUSTOMER']);
    const api = merchantApi(s, () => m.merchant);
    for (let round = 0; round < 5; round += 1) {
      const loyaltyId = `L-RACE-${round}`;
      const local = await m.create({ firstName: 'Holder', channel: 'store', loyaltyId });
      expect(local.statusCode).toBe(201);
      const mastered = await creator.create({ firstName: 'Raced', channel: 'web', loyaltyId });
      const number = mastered.json().customerId;
      // Mirrored without the loyalty id, which a Backroom customer holds; then that customer lets it go.
      expect((await m.get(number)).json().loyaltyId).toBeUndefined();
      const holder = local.json().customerId;
      expect(
        (await api.call('PUT', `/merchant/v1/customers/${holder}`, { loyaltyId: null })).statusCode,
      ).toBe(200);

      const [mirrored, retaken] = await Promise.all([
        m.get(number),
        api.call('PUT', `/merchant/v1/customers/${holder}`, { loyaltyId }),
      ]);
      expect(mirrored.statusCode, mirrored.body).toBe(200);
      expect([200, 409], retaken.body).toContain(retaken.statusCode);
      const holders = [mirrored.json().loyaltyId, retaken.statusCode === 200 ? loyaltyId : undefined];
      expect(holders.filter((held) => held === loyaltyId)).toHaveLength(1);
    }
  });

  it('never shows the api key in an answer', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const body of answers) expect(body).not.toContain(SPI_KEY);
  });
});
