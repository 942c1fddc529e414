import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { httpFailure, recordCall, succeeded } from '../../../test/helpers/connector-calls.ts';
import { insertConnector } from '../../../test/helpers/connectors.ts';
import { type RunningBackroom, startBackroom } from '../../backroom.ts';

const s = useAppWithMerchant();

describe('a worker process with BACKROOM_METRICS_PORT', () => {
  let worker: RunningBackroom;
  beforeAll(async () => {
    const config = testConfig({ DATABASE_URL: s.t.databaseUrl, BACKROOM_METRICS_PORT: '0' });
    worker = await startBackroom(config, { http: false, worker: true });
  });
  afterAll(() => worker?.stop());

  it('serves the connector calls made in the process on GET /metrics, and /healthz', async () => {
    expect(worker.app).toBeUndefined();
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { id } = await insertConnector(worker.platform, s.merchant.tenant.id, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_ASN',
      url: 'https://merchant.example/hooks/asn',
    });
    await recordCall(worker.platform, s.merchant.tenant.id, id, succeeded(30));
    await recordCall(worker.platform, s.merchant.tenant.id, id, httpFailure(502));

    const metrics = await fetch(`${worker.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain(
      'backroom_connector_calls_total{kind="webhook",endpoint="INVENTORY_EXPORT_ASN",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'backroom_connector_calls_total{kind="webhook",endpoint="INVENTORY_EXPORT_ASN",outcome="http_status"} 1',
    );
    expect(text).toContain('process_resident_memory_bytes');

    const health = await fetch(`${worker.metricsUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${worker.metricsUrl}/merchant/v1/stores`)).status).toBe(404);
  });
});

describe('without BACKROOM_METRICS_PORT', () => {
  it('a worker process serves nothing', async () => {
    const worker = await startBackroom(testConfig({ DATABASE_URL: s.t.databaseUrl }), {
      http: false,
      worker: true,
    });
    try {
      expect(worker.metricsUrl).toBeUndefined();
    } finally {
      await worker.stop();
    }
  });
});
