import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, backoffMs, buildUrl, errorFromResponse, getApiHealth, request, unwrapBody } from './api';

describe('error mapping', () => {
  it('reads the Prometheus envelope', () => {
    const e = errorFromResponse(400, '{"status":"error","errorType":"bad_data","error":"1:5: parse error: x"}', '/q');
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toBe('1:5: parse error: x');
  });
  it('maps statuses when the body has no errorType', () => {
    expect(errorFromResponse(409, '{"error":"conflict!"}', '/p').errorType).toBe('conflict');
    expect(errorFromResponse(404, 'not here', '/p').errorType).toBe('not_found');
    expect(errorFromResponse(404, 'not here', '/p').message).toBe('not here');
    expect(errorFromResponse(502, '', '/p').message).toBe('HTTP 502 from /p');
    expect(errorFromResponse(599, '', '/p').errorType).toBe('internal');
  });
  it('reads Alertmanager v2 message bodies', () => {
    expect(errorFromResponse(400, '{"code":400,"message":"bad matcher"}', '/api/v2/silences').message).toBe(
      'bad matcher',
    );
  });
  it('unwraps envelopes', () => {
    expect(unwrapBody('{"status":"success","data":[1]}', true, 200, '/x')).toEqual([1]);
    expect(unwrapBody('[1,2]', false, 200, '/x')).toEqual([1, 2]);
    expect(() => unwrapBody('{"data":1}', true, 200, '/x')).toThrow(/missing "status"/);
    expect(() => unwrapBody('<html>', true, 200, '/x')).toThrow(/not JSON/);
    expect(() => unwrapBody('{"status":"error","errorType":"execution","error":"boom"}', true, 200, '/x')).toThrow(
      'boom',
    );
  });
  it('builds URLs skipping empty params', () => {
    expect(buildUrl('/a', { x: '1', y: '', z: undefined, w: ['p', 'q'] })).toBe('/a?x=1&w=p&w=q');
    expect(buildUrl('/a?k=v', { x: 2 })).toBe('/a?k=v&x=2');
  });
  it('backs off exponentially up to 30s', () => {
    expect([0, 1, 2, 3, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 30000]);
  });
});

describe('request', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('throws ApiError for server errors and marks the API down on network failure', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"status":"error","errorType":"conflict","error":"already resolved"}', {
        status: 409,
        headers: { 'Content-Type': 'application/json' },
      })),
    );
    await expect(request('POST', '/api/v1/incidents/1/ack', { body: {} })).rejects.toMatchObject({
      status: 409,
      errorType: 'conflict',
      message: 'already resolved',
    });
    expect(getApiHealth().down).toBe(false);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(request('GET', '/api/v1/rules')).rejects.toMatchObject({ status: 0, errorType: 'network' });
    expect(getApiHealth().down).toBe(true);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"status":"success","data":{"ok":1}}', {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      })),
    );
    await expect(request('GET', '/api/v1/x')).resolves.toEqual({ ok: 1 });
    expect(getApiHealth().down).toBe(false);
  });
});
