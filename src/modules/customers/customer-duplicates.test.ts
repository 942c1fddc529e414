import { describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { customersApi } from './customers.fixtures.ts';

const s = useAppWithMerchant();
const api = customersApi(s);
const { create, setPolicy } = api;

async function customerCount(email: string): Promise<number> {
  const { rows } = await s.t.database.pool.query(
    'select count(*)::int as n from customers where tenant_id = $1 and email_normalized = $2',
    [s.merchant.tenant.id, email],
  );
  return rows[0].n;
}

async function linksOf(customerId: string) {
  const { rows } = await s.t.database.pool.query(
    `select a.customer_id as a, b.customer_id as b, l.reason, a.id < b.id as ordered
       from customer_links l
       join customers a on a.tenant_id = l.tenant_id and a.id = l.customer_a
       join customers b on b.tenant_id = l.tenant_id and b.id = l.customer_b
      where l.tenant_id = $1 and $2 in (a.customer_id, b.customer_id)
      order by 1, 2`,
    [s.merchant.tenant.id, customerId],
  );
  return rows;
}

describe('customer duplicates', () => {
  it('answers the existing customer by default when the e-mail or phone is already known', async () => {
    expect((await api.call('GET', '/merchant/v1/customer-settings')).json()).toEqual({
      duplicatePolicy: 'return_existing',
    });
    const first = await create({
      firstName: 'Ada',
      email: 'ada@example.com',
      phone: '+1 212-555-0123',
      channel: 'web',
    });
    expect(first.statusCode).toBe(201);
    const existing = first.json();

    const byEmail = await create({ firstName: 'A.', email: '  ADA@Example.com', channel: 'store' });
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.json()).toMatchObject({
      customerId: existing.customerId,
      firstName: 'Ada',
      matched: { by: 'email', customerId: existing.customerId },
    });

    const byPhone = await create({
      lastName: 'L',
      phone: '(212) 555-0123',
      phoneCountry: 'US',
      channel: 'phone',
    });
    expect(byPhone.statusCode).toBe(200);
    expect(byPhone.json().matched).toEqual({ by: 'phone', customerId: existing.customerId });

    expect(await customerCount('ada@example.com')).toBe(1);
    expect((await eventsFor(s, existing.customerId)).map((e) => e.type)).toEqual(['customer.created']);
  });

  it('creates and links when the client allows a duplicate', async () => {
    const first = (await create({ firstName: 'Bo', email: 'bo@example.com', channel: 'web' })).json();
    const forced = await create({
      firstName: 'Bo',
      email: 'bo@example.com',
      channel: 'store',
      allowDuplicate: true,
    });
    expect(forced.statusCode).toBe(201);
    const second = forced.json();
    expect(second.customerId).not.toBe(first.customerId);
    expect(second.linkedCustomerIds).toEqual([first.customerId]);
    expect(second.matched).toBeUndefined();
    const links = await linksOf(second.customerId);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ reason: 'email', ordered: true });
    const events = await eventsFor(s, second.customerId);
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.linked']);
    expect(events[1]?.data).toEqual({
      customerId: second.customerId,
      linkedCustomerId: first.customerId,
      reason: 'email',
    });
  });

  it('creates and links under create_and_link, to every customer with the e-mail or the phone', async () => {
    const changed = await setPolicy('create_and_link');
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ duplicatePolicy: 'create_and_link' });
    expect((await setPolicy('merge_everything')).statusCode).toBe(400);

    const byMail = (await create({ firstName: 'Cy', email: 'cy@example.com', channel: 'web' })).json();
    const byPhone = (await create({ firstName: 'Cy', phone: '+44 20 7946 0958', channel: 'web' })).json();
    const both = await create({
      firstName: 'Cy',
      email: 'CY@example.com',
      phone: '020 7946 0958',
      phoneCountry: 'GB',
      channel: 'mobile',
    });
    expect(both.statusCode).toBe(201);
    const created = both.json();
    expect(created.phoneNormalized).toBe('+442079460958');
    expect(created.linkedCustomerIds).toEqual([byMail.customerId, byPhone.customerId]);
    const reasons = (await linksOf(created.customerId)).map((link) => link.reason).sort();
    expect(reasons).toEqual(['email', 'phone']);
    expect((await linksOf(created.customerId)).every((link) => link.ordered)).toBe(true);

    const unrelated = await create({ firstName: 'Cy', email: 'other@example.com', channel: 'web' });
    expect(unrelated.statusCode).toBe(201);
    expect(unrelated.json().linkedCustomerIds).toBeUndefined();
    await setPolicy('return_existing');
  });

  it('creates one customer when ten requests with one e-mail arrive at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        create({ firstName: `Racer ${i}`, email: `Race@Example.com`, channel: 'web' }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const winner = responses.find((response) => response.statusCode === 201)?.json();
    for (const response of responses.filter((r) => r.statusCode === 200)) {
      expect(response.json().matched).toEqual({ by: 'email', customerId: winner.customerId });
    }
    expect(await customerCount('race@example.com')).toBe(1);
  });
});
