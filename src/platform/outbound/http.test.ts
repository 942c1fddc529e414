import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../test/helpers/receiver.ts';
import { type OutboundRequest, outboundPoolCount, responseExcerpt, sendOutbound } from './http.ts';
import { isWithinCeiling, narrowToCeiling, UrlPolicy } from './url-policy.ts';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const call = (overrides: Partial<OutboundRequest> = {}) =>
  sendOutbound({
    method: 'GET',
    url: `${receiver.url}/hook`,
    headers: {},
    timeoutMs: 2000,
    allowedNetworks: ['loopback'],
    maxResponseBytes: 1000,
    ...overrides,
  });

describe('sendOutbound', () => {
  it('calls a loopback address the policy allows and answers status and body', async () => {
    receiver.respond = () => ({ status: 200, body: '{"ok":true}' });
    const response = await call();
    expect(response).toMatchObject({ ok: true, status: 200, body: '{"ok":true}', failure: undefined });
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('cuts off an answer over the size limit', async () => {
    receiver.respond = () => ({ status: 200, body: 'x'.repeat(5000) });
    const response = await call({ maxResponseBytes: 100 });
    expect(response).toMatchObject({ ok: false, status: undefined, body: '', failure: 'too_large' });
    expect(response.error).toContain('larger than 100 bytes');
  });

  it('does not follow a redirect: the 3xx is the answer, and a failure', async () => {
    const before = receiver.requests.length;
    receiver.respond = (request) =>
      request.url === '/hook'
        ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
        : { status: 200, body: 'followed' };
    const response = await call();
    expect(response).toMatchObject({ ok: false, status: 302, failure: 'http_status', error: 'HTTP 302' });
    expect(receiver.requests.slice(before).map((r) => r.url)).toEqual(['/hook']);
  });

  it('gives up after the timeout', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 1500 });
    const response = await call({ timeoutMs: 150 });
    expect(response).toMatchObject({ ok: false, failure: 'timeout', error: 'No answer within 150 ms.' });
    expect(response.latencyMs).toBeLessThan(1400);
  });

  it('refuses a host name that resolves to loopback when it connects', async () => {
    const before = receiver.requests.length;
    const port = new URL(receiver.url).port;
    const response = await call({ url: `http://localhost:${port}/hook`, allowedNetworks: [] });
    expect(response.failure).toBe('url_refused');
    expect(response.error).toMatch(/^The URL's host localhost resolves to .*, a loopback address/);
    expect(receiver.requests.length).toBe(before);
  });

  it('refuses IPv6 forms that carry a loopback or metadata IPv4 address, and metadata addresses', async () => {
    const cases: [string, string][] = [
      ['http://[::127.0.0.1]/', 'a loopback address'],
      ['http://[::ffff:127.0.0.1]/', 'a loopback address'],
      ['http://[::ffff:0:7f00:1]/', 'a loopback address'],
      ['http://[64:ff9b::7f00:1]/', 'a loopback address'],
      ['http://[2002:7f00:1::]/', 'a loopback address'],
      ['http://169.254.169.254/latest/meta-data', 'a cloud metadata address'],
      ['http://[::ffff:169.254.169.254]/', 'a cloud metadata address'],
      ['http://[64:ff9b::a9fe:a9fe]/', 'a cloud metadata address'],
      ['http://[2002:a9fe:a9fe::1]/', 'a cloud metadata address'],
      ['http://[fd00:ec2::254]/', 'a cloud metadata address'],
      ['http://168.63.129.16/', 'a cloud metadata address'],
      ['http://100.100.100.200/', 'a cloud metadata address'],
    ];
    for (const [url, reason] of cases) {
      const response = await call({ url, allowedNetworks: [] });
      expect(response.failure, url).toBe('url_refused');
      expect(response.error, url).toContain(reason);
    }
    // Ranges that hold metadata addresses do not open them: only `metadata`, in both lists, does.
    const everything = ['linkLocal', 'uniqueLocal', 'carrierGradeNat', '0.0.0.0/0', '::/0'];
    const wide = new UrlPolicy(everything, everything);
    expect(wide.refuseUrl('http://169.254.169.254/')).toContain('cloud metadata');
    expect(wide.refuseUrl('http://169.254.10.1/')).toBeUndefined();
    expect(new UrlPolicy(['metadata'], everything).refuseUrl('http://168.63.129.16/')).toContain('metadata');
    expect(new UrlPolicy(['metadata'], ['metadata']).refuseUrl('http://[fd00:ec2::254]/')).toBeUndefined();
    // Public IPv4 addresses stay public in IPv6 form.
    expect(new UrlPolicy().refuseUrl('http://[64:ff9b::808:808]/')).toBeUndefined();
    expect(new UrlPolicy().refuseAddress('not-an-address')).toContain('not an IP address');
  });

  it('reaches an address only when both the tenant list and the operator ceiling allow it', async () => {
    const narrowed = await call({ operatorNetworks: ['private', 'uniqueLocal'] });
    expect(narrowed.failure).toBe('url_refused');
    expect(narrowed.error).toContain('BACKROOM_OUTBOUND_ALLOWED_NETWORKS');
    const tenantNot = await call({ allowedNetworks: ['private'], operatorNetworks: ['loopback'] });
    expect(tenantNot.error).toContain("the merchant's outbound policy does not allow");
    receiver.respond = () => ({ status: 204 });
    expect((await call({ operatorNetworks: ['loopback', 'private'] })).status).toBe(204);
    expect((await call({ allowedNetworks: ['127.0.0.0/8'], operatorNetworks: ['loopback'] })).ok).toBe(true);
    // Checked at connect time too, for names.
    const port = new URL(receiver.url).port;
    const byName = await call({ url: `http://localhost:${port}/`, operatorNetworks: ['private'] });
    expect(byName.failure).toBe('url_refused');
  });

  it('keeps at most 100 connection pools, however many policies there are', async () => {
    receiver.respond = () => ({ status: 200 });
    for (let i = 0; i < 105; i += 1) {
      expect((await call({ allowedNetworks: ['loopback', `10.${i}.0.0/16`] })).ok).toBe(true);
    }
    expect(outboundPoolCount()).toBe(100);
    expect((await call()).ok).toBe(true);
  });
});

describe('the operator ceiling', () => {
  const ceiling = ['loopback', 'private', 'uniqueLocal'];

  it('holds the range names it names, and CIDRs inside them or inside its own CIDRs', () => {
    for (const entry of [
      'loopback',
      'private',
      '10.20.0.0/16',
      '192.168.1.0/24',
      'fd00::/8',
      '127.0.0.1/32',
    ]) {
      expect(isWithinCeiling(entry, ceiling), entry).toBe(true);
    }
    for (const entry of [
      'linkLocal',
      'metadata',
      '0.0.0.0/0',
      '::/0',
      '169.254.0.0/16',
      '8.0.0.0/7',
      '::/96',
    ]) {
      expect(isWithinCeiling(entry, ceiling), entry).toBe(false);
    }
    expect(isWithinCeiling('10.1.2.0/24', ['10.0.0.0/8'])).toBe(true);
    expect(isWithinCeiling('private', ['10.0.0.0/8'])).toBe(false);
    // 240.0.0.0/4 is reserved but holds the broadcast address, another range.
    expect(isWithinCeiling('240.0.0.0/4', ['reserved'])).toBe(false);
    expect(narrowToCeiling(['loopback', 'linkLocal', '10.0.0.0/8', '0.0.0.0/0', 'bogus'], ceiling)).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });
});

describe('responseExcerpt', () => {
  it('masks secrets before cutting, so none leaves its first characters at the cut', () => {
    const secret = 'whsec_abcdefghijklmnop';
    const body = `${'x'.repeat(1990)}${secret} and more`;
    const excerpt = responseExcerpt(body, [secret]);
    expect(excerpt).toHaveLength(2000);
    expect(excerpt).not.toContain('whsec_abc');
    expect(excerpt.endsWith('[REDACTED]')).toBe(true);
  });
});
