/**
 * Typed HTTP client for the tinysweep API (apps/api). Every method maps to one endpoint; every failure
 * is an {@link ApiError}.
 *
 *   const api = new ApiClient({ baseUrl: 'http://127.0.0.1:4100', token });
 *   const sweep = await api.getSweep(id);
 */
import { ApiError } from './api-error.js';
import { Readable } from 'node:stream';
import type {
  AdapterFormat,
  ConfigPage,
  ExtendSweepResult,
  Schedule,
  ScheduleInput,
  SubmitSweepResult,
  Sweep,
  SweepDetail,
  SweepEvent,
  TrainerNode,
  Trial,
  TrialDetail,
  TrialPage,
} from '@tinysweep/api-types';
import type { TrialQuery } from './api-types.js';
import { SseParser } from './sse.js';

export { ApiError } from './api-error.js';
export type { ApiIssue } from './api-error.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:4100';

export interface ApiClientOptions {
  /**
   * Where the API listens; a path prefix (`http://host/tinysweep`) is kept.
   * @defaultValue `http://127.0.0.1:4100`
   */
  baseUrl?: string;
  /** Bearer token sent as `Authorization: Bearer …` on every request. */
  token?: string;
  /**
   * Per-request timeout for ordinary requests (not the event stream).
   * @defaultValue 30000
   */
  timeoutMs?: number;
}

export type SpecContentType = 'application/yaml' | 'application/json';

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
}

/** Largest page `listAllTrials` asks for. */
const PAGE_SIZE = 100;

export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(opts: ApiClientOptions = {}) {
    const { baseUrl, token, timeoutMs } = { baseUrl: DEFAULT_API_URL, timeoutMs: 30_000, ...opts };
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new Error(`baseUrl must be an absolute http(s) URL, got '${baseUrl}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`baseUrl must be an http(s) URL, got '${baseUrl}'`);
    }
    if (!(timeoutMs > 0)) throw new Error('timeoutMs must be greater than 0');
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.token = token === undefined || token === '' ? undefined : token;
    this.timeoutMs = timeoutMs;
  }

  health(signal?: AbortSignal): Promise<{ status: string }> {
    return this.request('GET', '/health', { signal });
  }

  /** Posts a sweep spec as its file text (YAML or JSON), so the server sees exactly what the user wrote. */
  submitSweep(specText: string, contentType: SpecContentType, signal?: AbortSignal): Promise<SubmitSweepResult> {
    return this.request('POST', '/sweeps', { body: specText, contentType, signal });
  }

  async listSweeps(limit = 50, signal?: AbortSignal): Promise<Sweep[]> {
    const page = await this.request<{ items: Sweep[] }>('GET', '/sweeps', { query: { limit }, signal });
    return page.items;
  }

  getSweep(id: string, signal?: AbortSignal): Promise<SweepDetail> {
    return this.request('GET', `/sweeps/${encodeURIComponent(id)}`, { signal });
  }

  cancelSweep(id: string, signal?: AbortSignal): Promise<{ cancelled: number }> {
    return this.request('POST', `/sweeps/${encodeURIComponent(id)}/cancel`, { signal });
  }

  extendSweep(id: string, body: { seeds?: number[]; set?: Record<string, unknown> }, signal?: AbortSignal): Promise<ExtendSweepResult> {
    return this.request('POST', `/sweeps/${encodeURIComponent(id)}/extend`, { body: JSON.stringify(body), contentType: 'application/json', signal });
  }

  /**
   * A trial's adapter in `format` (GET /trials/:id/adapter): the adapter file (JSON) for `tinysweep`,
   * a tar archive of the export's directory otherwise, as a stream (a merged model is as large as its
   * base). No timeout: exporting a large model takes a while.
   */
  async downloadAdapter(id: string, format: AdapterFormat, signal?: AbortSignal): Promise<{ contentType: string; body: Readable }> {
    const url = this.url(`/trials/${encodeURIComponent(id)}/adapter`, { format });
    const res = await this.fetch('GET', url, { accept: 'application/x-tar, application/json', signal, timeout: false });
    if (!res.ok || res.body === null) throw ApiError.fromResponse(res.status, await res.text(), { method: 'GET', url });
    return { contentType: res.headers.get('content-type') ?? '', body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) };
  }

  listTrials(sweepId: string, query: TrialQuery = {}, signal?: AbortSignal): Promise<TrialPage> {
    return this.request('GET', `/sweeps/${encodeURIComponent(sweepId)}/trials`, {
      query: { offset: query.offset, limit: query.limit, sort: query.sort, order: query.order, status: query.status },
      signal,
    });
  }

  /**
   * Pages through a sweep's trials with offset/limit until `max` trials (default: all) are read.
   * `query.offset` is where to start; `query.limit` is ignored in favour of `max`.
   */
  async listAllTrials(
    sweepId: string,
    query: Omit<TrialQuery, 'limit'> = {},
    max = Number.POSITIVE_INFINITY,
    signal?: AbortSignal,
  ): Promise<TrialPage> {
    const items: Trial[] = [];
    let offset = query.offset ?? 0;
    let total = 0;
    while (items.length < max) {
      const limit = Math.min(PAGE_SIZE, max - items.length);
      const page = await this.listTrials(sweepId, { ...query, offset, limit }, signal);
      total = page.total;
      items.push(...page.items);
      offset += page.items.length;
      // An empty page or reaching `total` ends it; the empty-page check guards against a server
      // whose `total` overstates what it returns.
      if (page.items.length === 0 || offset >= page.total) break;
    }
    return { total, items };
  }

  getTrial(id: string, signal?: AbortSignal): Promise<TrialDetail> {
    return this.request('GET', `/trials/${encodeURIComponent(id)}`, { signal });
  }

  retryTrial(id: string, signal?: AbortSignal): Promise<Trial> {
    return this.request('POST', `/trials/${encodeURIComponent(id)}/retry`, { signal });
  }

  /** Every config of a sweep, best mean first. */
  async sweepConfigs(id: string, signal?: AbortSignal): Promise<ConfigPage> {
    return this.request('GET', `/sweeps/${encodeURIComponent(id)}/configs`, { signal });
  }

  async createSchedule(body: ScheduleInput, signal?: AbortSignal): Promise<Schedule> {
    return this.request('POST', '/schedules', { body: JSON.stringify(body), contentType: 'application/json', signal });
  }

  async listSchedules(signal?: AbortSignal): Promise<Schedule[]> {
    return (await this.request<{ items: Schedule[] }>('GET', '/schedules', { signal })).items;
  }

  async scheduleRuns(id: string, signal?: AbortSignal): Promise<Sweep[]> {
    return (await this.request<{ items: Sweep[] }>('GET', `/schedules/${encodeURIComponent(id)}/runs`, { signal })).items;
  }

  async scheduleAction(id: string, action: 'pause' | 'resume' | 'run', signal?: AbortSignal): Promise<unknown> {
    return this.request('POST', `/schedules/${encodeURIComponent(id)}/${action}`, { signal });
  }

  async deleteSchedule(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', `/schedules/${encodeURIComponent(id)}`, { signal });
  }

  async listNodes(signal?: AbortSignal): Promise<TrainerNode[]> {
    const page = await this.request<{ items: TrainerNode[] }>('GET', '/nodes', { signal });
    return page.items;
  }

  /**
   * Opens the sweep's server-sent-events stream. Resolves once the server has answered 200 with an
   * event stream (so callers know the subscription is live), to an iterable of its events; the
   * iterable ends when the server closes the stream or `signal` aborts.
   */
  async openSweepEvents(sweepId: string, signal?: AbortSignal): Promise<AsyncIterable<SweepEvent>> {
    const path = `/sweeps/${encodeURIComponent(sweepId)}/events`;
    const url = this.url(path);
    const res = await this.fetch('GET', url, { accept: 'text/event-stream', signal, timeout: false });
    if (!res.ok) throw ApiError.fromResponse(res.status, await res.text(), { method: 'GET', url });
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || res.body === null) {
      await res.body?.cancel();
      throw new ApiError(`expected an event stream from ${path}, got '${type || 'no content type'}'`, {
        status: res.status,
        method: 'GET',
        url,
      });
    }
    return readEvents(res.body, url);
  }

  private async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = this.url(path, opts.query);
    const res = await this.fetch(method, url, {
      accept: 'application/json',
      body: opts.body,
      contentType: opts.contentType,
      signal: opts.signal,
      timeout: true,
    });
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw ApiError.fromNetworkError(err, this.baseUrl, { method, url });
    }
    if (!res.ok) throw ApiError.fromResponse(res.status, text, { method, url });
    if (res.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`the API answered ${method} ${path} with a body that is not JSON`, {
        status: res.status,
        method,
        url,
      });
    }
  }

  private async fetch(
    method: string,
    url: string,
    opts: { accept: string; body?: string; contentType?: string; signal?: AbortSignal; timeout: boolean },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    const signals: AbortSignal[] = [];
    if (opts.signal) signals.push(opts.signal);
    const timeout = opts.timeout ? AbortSignal.timeout(this.timeoutMs) : undefined;
    if (timeout) signals.push(timeout);
    try {
      return await fetch(url, {
        method,
        headers,
        body: opts.body,
        signal: signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      });
    } catch (err) {
      // The caller's own abort propagates as-is; only our timeout and network failures become ApiErrors.
      if (opts.signal?.aborted) throw err;
      if (timeout?.aborted) {
        throw new ApiError(`the tinysweep API at ${this.baseUrl} did not answer ${method} within ${this.timeoutMs} ms`, {
          method,
          url,
          code: 'ETIMEDOUT',
          cause: err,
        });
      }
      throw ApiError.fromNetworkError(err, this.baseUrl, { method, url });
    }
  }

  private url(path: string, query?: Record<string, string | number | undefined>): string {
    let url = this.baseUrl + path;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs !== '') url += `?${qs}`;
    return url;
  }
}

/** Decodes an event-stream body into parsed {@link SweepEvent}s, skipping messages that are not one. */
async function* readEvents(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<SweepEvent> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const reader = body.getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw ApiError.fromNetworkError(err, new URL(url).origin, { method: 'GET', url });
      }
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      for (const message of parser.feed(text)) {
        const event = parseSweepEvent(message.data);
        if (event !== undefined) yield event;
      }
      if (chunk.done) return;
    }
  } finally {
    // Ends the HTTP response when the consumer stops early (or the stream failed); a no-op after EOF.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Parses one `data:` payload; anything that is not a trial or sweep event (pings, future types) is skipped. */
export function parseSweepEvent(data: string): SweepEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { type?: unknown; trial?: unknown; sweep?: unknown };
  if (v.type === 'trial' && v.trial !== null && typeof v.trial === 'object') return v as SweepEvent;
  if (v.type === 'sweep' && v.sweep !== null && typeof v.sweep === 'object') return v as SweepEvent;
  return undefined;
}
