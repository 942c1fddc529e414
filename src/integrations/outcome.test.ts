import { describe, expect, it } from 'vitest';
import type { OutboundResponse } from '../platform/outbound/http.ts';
import { judgeResponse } from './outcome.ts';

const answered = (body: string, status = 200): OutboundResponse => ({
  ok: status >= 200 && status < 300,
  status,
  latencyMs: 12,
  body,
  failure: status >= 200 && status < 300 ? undefined : 'http_status',
  error: undefined,
});

describe("judging a merchant endpoint's answer", () => {
  it('takes a 2xx without errorMessage or errorCode as it is', () => {
    for (const body of ['', '{"verified":true}', '[1,2]', 'OK', '{"errorMessage"']) {
      expect(judgeResponse(answered(body))).toEqual(answered(body));
    }
  });

  it('reads a null errorMessage or errorCode as absent', () => {
    for (const body of [
      '{"errorMessage":null}',
      '{"errorCode":null}',
      '{"verified":true,"errorCode":null,"errorMessage":null}',
    ]) {
      expect(judgeResponse(answered(body))).toEqual(answered(body));
    }
  });

  it('fails a 2xx whose body reports an error, naming what it reports', () => {
    const both = judgeResponse(
      answered('{"errorCode":"EMPLOYEE_NOT_FOUND","errorMessage":"No such employee"}'),
    );
    expect(both).toMatchObject({ ok: false, status: 200, failure: 'error_body' });
    expect(both.error).toBe('The answer reports an error: EMPLOYEE_NOT_FOUND No such employee');
    const codeOnly = judgeResponse(answered('{"errorCode":"E1","errorMessage":null}'));
    expect(codeOnly).toMatchObject({ ok: false, failure: 'error_body' });
    expect(codeOnly.error).toBe('The answer reports an error: E1');
    expect(judgeResponse(answered('{"errorMessage":""}'))).toMatchObject({
      ok: false,
      failure: 'error_body',
    });
  });

  it('leaves a failed call as it was', () => {
    const failed = answered('{"errorCode":"E1"}', 500);
    expect(judgeResponse(failed)).toEqual(failed);
  });
});
