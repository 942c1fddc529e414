import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useIntegrationsApp, webhookConnector as webhook } from '../../../test/helpers/integrations.ts';
import { responseExcerpt } from '../../platform/outbound/http.ts';
import { connectorSecrets } from './lookup.ts';

const { s, api, storedConnector } = useIntegrationsApp();

const postWithKey = (url: string, key: string, payload?: object) =>
  s.t.app.inject({
    method: 'POST',
    url,
    headers: { ...s.merchant.auth, 'idempotency-key': key },
    ...(payload ? { payload } : {}),
  });

async function storedReplay(key: string): Promise<string> {
  const { rows } = await s.t.database.pool.query(
    'select response_body::text as body from idempotency_keys where tenant_id = $1 and key = $2',
    [s.merchant.tenant.id, key],
  );
  expect(rows).toHaveLength(1);
  return rows[0].body;
}

describe('connector secrets', () => {
  it('answers a replay of create and rotate-secret with the hint, never the secret again', async () => {
    const first = await postWithKey('/merchant/v1/connectors', 'create-once', webhook({ name: 'Once' }));
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(created.signingSecretNote).toBeUndefined();

    const replay = await postWithKey('/merchant/v1/connectors', 'create-once', webhook({ name: 'Once' }));
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const { signingSecret, signingSecretNote, ...rest } = replay.json();
    expect(signingSecret).toBe(created.signingSecretHint);
    expect(signingSecretNote).toContain('only once');
    expect(rest).toEqual({ ...created, signingSecret: undefined });
    expect(replay.body).not.toContain(created.signingSecret);
    expect(await storedReplay('create-once')).not.toContain(created.signingSecret);

    const rotateUrl = `/merchant/v1/connectors/${created.id}/rotate-secret`;
    const rotated = await postWithKey(rotateUrl, 'rotate-once');
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().signingSecret;
    expect(newSecret).not.toBe(created.signingSecret);
    expect((await storedConnector(created.id)).signingSecret).toBe(newSecret);
    const rotateReplay = await postWithKey(rotateUrl, 'rotate-once');
    expect(rotateReplay.headers['idempotent-replayed']).toBe('true');
    expect(rotateReplay.json()).toMatchObject({
      signingSecret: rotated.json().signingSecretHint,
      signingSecretNote: expect.stringContaining('rotate the secret'),
    });
    expect(rotateReplay.body).not.toContain(newSecret);
    expect(await storedReplay('rotate-once')).not.toContain(newSecret);
    // The replay did not rotate again.
    expect((await storedConnector(created.id)).signingSecret).toBe(newSecret);
  });

  it('masks query values of the URL in every answer, keeps them when sent back masked, and redacts them', async () => {
    const url = 'https://erp.example.com/hooks?code=auth-code-7Qx9&mode=full&flag#part';
    const created = await api.call('POST', '/merchant/v1/connectors', webhook({ name: 'Coded', url }));
    expect(created.statusCode, created.body).toBe(201);
    const masked = 'https://erp.example.com/hooks?code=********&mode=********&flag#part';
    expect(created.json().url).toBe(masked);
    const id = created.json().id;
    const answers = [
      await api.call('GET', `/merchant/v1/connectors/${id}`),
      await api.call('GET', '/merchant/v1/connectors'),
      await api.call('POST', `/merchant/v1/connectors/${id}/disable`),
    ];
    for (const answer of [created, ...answers]) expect(answer.body).not.toContain('auth-code-7Qx9');
    expect(answers[0]?.json().url).toBe(masked);

    const sentBack = await api.call('PUT', `/merchant/v1/connectors/${id}`, { url: masked, name: 'Coded 2' });
    expect(sentBack.statusCode, sentBack.body).toBe(200);
    expect((await storedConnector(id)).url).toBe(url);

    const changed = await api.call('PUT', `/merchant/v1/connectors/${id}`, {
      url: 'https://erp.example.com/v2?code=********&mode=partial',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await storedConnector(id)).url).toBe(
      'https://erp.example.com/v2?code=auth-code-7Qx9&mode=partial',
    );

    const unknown = await api.call('PUT', `/merchant/v1/connectors/${id}`, {
      url: 'https://erp.example.com/v2?token=********',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: 'body.url', message: expect.stringContaining('token') }]);
    const maskedOnCreate = await api.call(
      'POST',
      '/merchant/v1/connectors',
      webhook({ name: 'Masked', url: 'https://erp.example.com/?code=********' }),
    );
    expect(maskedOnCreate.statusCode).toBe(400);

    const stored = await storedConnector(id);
    expect(connectorSecrets(stored)).toContain('auth-code-7Qx9');
    const echoed = responseExcerpt(`{"error":"bad code auth-code-7Qx9"}`, connectorSecrets(stored));
    expect(echoed).toBe('{"error":"bad code [REDACTED]"}');
  });

  it('answers 400 invalid_cursor, never 500, for a cursor this API did not make', async () => {
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const key of [['a'], ['a', 'x'], [1, 2], ['a', 1], ['a', randomUUID(), 3], [1, randomUUID()]]) {
      const response = await api.call('GET', `/merchant/v1/connectors?cursor=${cursor(key)}`);
      expect(response.statusCode, JSON.stringify(key)).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'invalid_cursor',
        errors: [{ field: 'query.cursor', message: 'not a cursor returned by this API' }],
      });
    }
    const valid = await api.call('GET', `/merchant/v1/connectors?cursor=${cursor(['a', randomUUID()])}`);
    expect(valid.statusCode).toBe(200);
  });
});
