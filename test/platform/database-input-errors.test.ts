import { describe, expect, it } from 'vitest';
import { toProblem } from '../../src/platform/http/error-handler.ts';
import { useAppWithMerchant } from '../helpers/app.ts';

const s = useAppWithMerchant();

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('values the database cannot read answer 400, never 500', () => {
  it('a crafted cursor whose id is not a UUID', async () => {
    for (const key of [
      [0, 'not-a-uuid'],
      [1763800000000, ''],
    ]) {
      const response = await s.t.app.inject({
        method: 'GET',
        url: `/merchant/v1/products/imports?cursor=${cursor(key)}`,
        headers: s.merchant.auth,
      });
      expect(response.statusCode, `${JSON.stringify(key)}: ${response.body}`).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        status: 400,
        code: 'validation_failed',
        type: 'urn:backroom:problem:validation_failed',
      });
    }
  });

  it('maps invalid text representation, datetime and numeric out of range to validation_failed', () => {
    const pgError = (code: string) =>
      Object.assign(new Error('from PostgreSQL'), { code, severity: 'ERROR' });
    for (const code of ['22P02', '22007', '22008', '22003']) {
      expect(toProblem(pgError(code)).code, code).toBe('validation_failed');
    }
    expect(toProblem(pgError('23505')).code).toBe('internal_error');
    expect(toProblem(pgError('constructor')).code).toBe('internal_error');
  });
});
