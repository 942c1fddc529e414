import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.ts';

describe('OpenAPI document', () => {
  it('the committed openapi.json is the one the routes generate (run `npm run openapi` after changing a route)', async () => {
    const t = await startTestApp();
    try {
      const served = await t.app.inject({ method: 'GET', url: '/openapi.json' });
      expect(served.statusCode).toBe(200);
      const committed = JSON.parse(await readFile(new URL('../openapi.json', import.meta.url), 'utf8'));
      expect(served.json()).toEqual(committed);
    } finally {
      await t.close();
    }
  });

  it('describes every merchant route with its security, responses and problem schema', async () => {
    const document = JSON.parse(await readFile(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(document.openapi).toBe('3.1.0');
    const stores = document.paths['/merchant/v1/stores'];
    expect(Object.keys(stores).sort()).toEqual(['get', 'post', 'put']);
    expect(stores.post.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(stores.post.responses['201']).toBeDefined();
    expect(stores.post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
    expect(document.paths['/merchant/v1/stores/{storeId}'].get.responses['200']).toBeDefined();
    expect(document.paths['/oauth/token'].post).toBeDefined();
    expect(document.components.schemas.Problem).toBeDefined();
  });

  it('serves the interactive reference at /docs', async () => {
    const t = await startTestApp();
    try {
      const page = await t.app.inject({ method: 'GET', url: '/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('swagger');
    } finally {
      await t.close();
    }
  });
});
