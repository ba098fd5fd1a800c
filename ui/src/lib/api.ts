// Typed fetch wrapper for the Osprey HTTP API.
//
// /api/v1 answers with Prometheus's envelope {"status","data"} or
// {"status":"error","errorType","error"}; /api/v2 (Alertmanager) answers with
// bare JSON. Both map failures to ApiError. A network failure (or a 502/503/504
// without a JSON body) flips the shared "API down" state, which retries with
// exponential backoff and is shown as a banner by the layout.
import { useEffect, useState } from 'preact/hooks';

export class ApiError extends Error {
  readonly status: number; // HTTP status; 0 for network failures
  readonly errorType: string; // bad_data, not_found, conflict, ..., "network"
  constructor(status: number, errorType: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorType = errorType;
  }
}

const statusTypes: Record<number, string> = {
  400: 'bad_data',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  422: 'execution',
  500: 'internal',
  503: 'unavailable',
};

// Maps a non-success HTTP answer to an ApiError. `body` is the response text.
export function errorFromResponse(status: number, body: string, path: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fallbackType = statusTypes[status] ?? (status >= 500 ? 'internal' : 'bad_data');
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    const msg =
      typeof o.error === 'string' ? o.error : typeof o.message === 'string' ? o.message : `HTTP ${status} from ${path}`;
    const type = typeof o.errorType === 'string' && o.errorType ? o.errorType : fallbackType;
    return new ApiError(status, type, msg);
  }
  // Alertmanager v2 returns plain text errors; Prometheus may too.
  const text = body.trim();
  return new ApiError(status, fallbackType, text ? text.slice(0, 500) : `HTTP ${status} from ${path}`);
}

// Unwraps a successful response body: envelope data for v1, the body for v2.
export function unwrapBody<T>(body: string, envelope: boolean, status: number, path: string): T {
  if (body === '') return null as T;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ApiError(status, 'bad_response', `${path}: response is not JSON`);
  }
  if (!envelope) return parsed as T;
  const o = parsed as Record<string, unknown>;
  if (o && o.status === 'error') throw errorFromResponse(status === 200 ? 500 : status, body, path);
  if (!o || o.status !== 'success') throw new ApiError(status, 'bad_response', `${path}: missing "status" in response`);
  return o.data as T;
}

// ---- API down state -------------------------------------------------------

export interface ApiHealth {
  down: boolean;
  retryAt: number; // ms epoch of the next probe when down
  attempt: number;
}

let health: ApiHealth = { down: false, retryAt: 0, attempt: 0 };
const healthListeners = new Set<(h: ApiHealth) => void>();
let probeTimer: ReturnType<typeof setTimeout> | undefined;

function setHealth(h: ApiHealth): void {
  health = h;
  for (const l of healthListeners) l(h);
}

export function backoffMs(attempt: number): number {
  return Math.min(30000, 1000 * 2 ** Math.max(0, attempt));
}

function scheduleProbe(): void {
  if (probeTimer !== undefined) return;
  const delay = backoffMs(health.attempt);
  setHealth({ down: true, retryAt: Date.now() + delay, attempt: health.attempt });
  probeTimer = setTimeout(async () => {
    probeTimer = undefined;
    try {
      const r = await fetch('/api/v1/status/buildinfo', { headers: { Accept: 'application/json' } });
      if (r.status < 500) {
        markUp();
        return;
      }
    } catch {
      // still down
    }
    health = { ...health, attempt: health.attempt + 1 };
    scheduleProbe();
  }, delay);
}

function markDown(): void {
  if (!health.down) health = { down: true, retryAt: 0, attempt: 0 };
  scheduleProbe();
}

function markUp(): void {
  if (probeTimer !== undefined) {
    clearTimeout(probeTimer);
    probeTimer = undefined;
  }
  if (health.down) setHealth({ down: false, retryAt: 0, attempt: 0 });
}

export function getApiHealth(): ApiHealth {
  return health;
}

export function useApiHealth(): ApiHealth {
  const [h, setH] = useState(health);
  useEffect(() => {
    healthListeners.add(setH);
    setH(health);
    return () => {
      healthListeners.delete(setH);
    };
  }, []);
  return h;
}

// ---- requests -------------------------------------------------------------

export type Params = Record<string, string | number | boolean | undefined | null | string[]>;

export function buildUrl(path: string, params?: Params): string {
  if (!params) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface RequestOptions {
  params?: Params;
  body?: unknown;
  form?: Params; // sent as application/x-www-form-urlencoded (Prometheus query POST)
  headers?: Record<string, string>;
  signal?: AbortSignal;
  raw?: boolean; // return the parsed JSON as is (no envelope unwrapping)
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = buildUrl(path, opts.params);
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.form) {
    body = buildUrl('', opts.form).replace(/^\?/, '');
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let resp: Response;
  try {
    resp = await fetch(url, { method, headers, body, signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    markDown();
    throw new ApiError(0, 'network', `cannot reach the Osprey server (${method} ${path})`);
  }
  const text = await resp.text();
  const isJson = (resp.headers.get('Content-Type') ?? '').includes('json');
  if (!isJson && (resp.status === 502 || resp.status === 504 || (resp.status === 503 && !text.trim().startsWith('{')))) {
    markDown();
  } else {
    markUp();
  }
  const envelope = !opts.raw && !path.startsWith('/api/v2/');
  if (!resp.ok) throw errorFromResponse(resp.status, text, path);
  return unwrapBody<T>(text, envelope, resp.status, path);
}

export const api = {
  get: <T>(path: string, params?: Params, signal?: AbortSignal) => request<T>('GET', path, { params, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>('POST', path, { body, headers }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

// Loads `fn` when `deps` change; keeps the previous data while reloading.
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    fn(ctl.signal).then(
      (d) => {
        if (ctl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'internal', String(e)));
        setLoading(false);
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}
