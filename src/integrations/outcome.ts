import type { OutboundResponse } from '../platform/outbound/http.ts';

/**
 * A merchant endpoint can fail with a 2xx: an answer whose JSON body carries `errorMessage` or `errorCode`
 * is a failure, as the reference defines. A null field is absent (the reference's rule for every field), so
 * `{"errorMessage": null}` is no error. Returns the response with that failure set.
 */
export function judgeResponse(response: OutboundResponse): OutboundResponse {
  if (!response.ok) return response;
  const error = errorInBody(response.body);
  if (!error) return response;
  return { ...response, ok: false, failure: 'error_body', error };
}

function errorInBody(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { errorMessage, errorCode } = parsed as { errorMessage?: unknown; errorCode?: unknown };
  const parts = [errorCode, errorMessage].filter((part) => part !== undefined && part !== null).map(String);
  if (parts.length === 0) return undefined;
  return `The answer reports an error: ${parts.join(' ') || '(empty)'}`;
}
