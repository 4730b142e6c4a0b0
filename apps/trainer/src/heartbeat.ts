import { pino, type Logger } from 'pino';
import type { HeartbeatBody, HeartbeatOptions } from './interfaces/heartbeat-options.js';

/**
 * Keeps a trainer registered with the control plane: POST `${apiUrl}/nodes/heartbeat` with the
 * node's state right away and then every `intervalMs` (beats never overlap), and
 * POST `${apiUrl}/nodes/:id/leave` on a clean stop. An unreachable or failing API is logged (once
 * when it starts failing, once when it recovers) and never stops the trainer.
 */
export class Heartbeat {
  private readonly opts: Required<Omit<HeartbeatOptions, 'token'>> & Pick<HeartbeatOptions, 'token'>;
  private readonly logger: Logger;
  private readonly baseUrl: string;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<boolean>;
  private stopped = false;
  private failing = false;
  /** Beats the API accepted / refused or missed. */
  sent = 0;
  failed = 0;

  constructor(opts: HeartbeatOptions) {
    this.opts = { intervalMs: 2000, requestTimeoutMs: 5000, logger: pino({ level: 'silent' }), ...opts };
    this.logger = this.opts.logger;
    if (!(this.opts.intervalMs > 0)) throw new Error('intervalMs must be greater than 0');
    if (!(this.opts.requestTimeoutMs > 0)) throw new Error('requestTimeoutMs must be greater than 0');
    let url: URL;
    try {
      url = new URL(this.opts.apiUrl);
    } catch {
      throw new Error(`apiUrl is not a URL: "${this.opts.apiUrl}"`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
  }

  /** Sends the first beat now and schedules the rest. */
  start(): void {
    if (this.timer || this.stopped) return;
    const tick = async () => {
      await this.beat();
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.opts.intervalMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  /** Sends one beat; resolves true when the API accepted it. Never rejects. */
  beat(): Promise<boolean> {
    this.inFlight ??= this.post('/nodes/heartbeat', this.opts.body()).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Stops beating; with `leave` (default) tells the API this node is leaving. Never rejects. */
  async stop({ leave = true }: { leave?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (leave) {
      const { id } = this.opts.body();
      if (await this.post(`/nodes/${encodeURIComponent(id)}/leave`, {})) this.logger.info({ id }, 'left the control plane');
    }
  }

  private async post(path: string, body: HeartbeatBody | Record<string, never>): Promise<boolean> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const isBeat = path === '/nodes/heartbeat';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      if (isBeat) {
        this.sent++;
        if (this.failing) this.logger.info({ url }, 'control plane reachable again');
        this.failing = false;
      }
      return true;
    } catch (err) {
      const { cause, message } = err as Error & { cause?: { code?: string; message?: string } };
      const reason = cause?.code ?? cause?.message ?? message;
      if (!isBeat) {
        this.logger.warn({ url, reason }, 'control plane request failed');
      } else {
        this.failed++;
        if (!this.failing) this.logger.warn({ url, reason }, 'heartbeat failed; will keep trying');
        else this.logger.debug({ url, reason }, 'heartbeat failed');
        this.failing = true;
      }
      return false;
    }
  }
}
