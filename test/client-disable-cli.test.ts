import { describe, expect, it } from 'vitest';
import { useAppWithMerchant } from './helpers/app.ts';
import { backroomCli } from './helpers/cli.ts';

const s = useAppWithMerchant();
const backroom = backroomCli(s);

describe('backroom client disable', () => {
  it("stops the client's API key at once", async () => {
    const { apiKey, clientId } = s.merchant.client;
    const stores = () =>
      s.t.app.inject({ method: 'GET', url: '/merchant/v1/stores', headers: { 'x-api-key': apiKey } });
    expect((await stores()).statusCode).toBe(200);

    const run = await backroom('client', 'disable', clientId);
    expect(run).toMatchObject({ code: 0, stdout: `Client ${clientId} disabled.\n` });
    expect((await stores()).statusCode).toBe(401);
  });

  it('fails on an unknown client', async () => {
    const run = await backroom('client', 'disable', 'no-such-client');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No API client no-such-client.');
  });
});
