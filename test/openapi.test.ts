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

  it('gives every merchant operation an example of its body and of its answer', async () => {
    const document = JSON.parse(await readFile(new URL('../openapi.json', import.meta.url), 'utf8'));
    const resolve = (schema: any) =>
      schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;
    const hasExample = (schema: any): boolean => {
      const resolved = resolve(schema);
      if (!resolved) return false;
      if (resolved.example !== undefined || resolved.examples !== undefined) return true;
      return resolved.properties?.data ? hasExample(resolved.properties.data.items) : false;
    };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries<any>(document.paths)) {
      if (!path.startsWith('/merchant/')) continue;
      for (const [method, operation] of Object.entries<any>(operations)) {
        const body = operation.requestBody && Object.values<any>(operation.requestBody.content)[0];
        if (body && !hasExample(body.schema)) missing.push(`${method} ${path} body`);
        const success = Object.entries<any>(operation.responses).find(([status]) => status.startsWith('2'));
        const answer = success?.[1].content && Object.values<any>(success[1].content)[0];
        if (!hasExample(answer?.schema)) missing.push(`${method} ${path} answer`);
      }
    }
    expect(missing).toEqual([]);
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
