import { describe, expect, it } from 'vitest';
import { useIntegrationsApp, webhookConnector } from '../../../test/helpers/integrations.ts';

// An operator who lets merchants reach link-local addresses, and nothing private.
const { api } = useIntegrationsApp({ env: { BACKROOM_OUTBOUND_ALLOWED_NETWORKS: 'loopback, linkLocal' } });
const settings = '/merchant/v1/integrations/settings';

const createWebhook = (url: string) =>
  api.call('POST', '/merchant/v1/connectors', webhookConnector({ name: `Hook ${url}`, url }));

describe("the operator's outbound ceiling", () => {
  it('lets merchants open what it allows and nothing more; metadata addresses stay closed', async () => {
    const privateRefused = await api.call('PUT', settings, { allowedNetworks: ['private'] });
    expect(privateRefused.statusCode).toBe(422);
    expect(privateRefused.json().errors).toEqual([
      {
        field: 'body.allowedNetworks.0',
        message: '"private" is outside what this Backroom allows: loopback, linkLocal',
      },
    ]);
    expect((await api.call('PUT', settings, { allowedNetworks: ['metadata'] })).statusCode).toBe(422);

    expect((await createWebhook('http://169.254.10.1/hook')).statusCode).toBe(422);
    const opened = await api.call('PUT', settings, { allowedNetworks: ['linkLocal'] });
    expect(opened.statusCode).toBe(200);
    expect((await createWebhook('http://169.254.10.1/hook')).statusCode).toBe(201);

    const metadata = await createWebhook('http://169.254.169.254/latest/meta-data');
    expect(metadata.statusCode).toBe(422);
    expect(metadata.json().errors[0].message).toContain('a cloud metadata address');
    expect(metadata.json().detail).toContain('BACKROOM_OUTBOUND_ALLOWED_NETWORKS');
    expect((await createWebhook('http://10.0.0.5/hook')).statusCode).toBe(422);
  });
});
