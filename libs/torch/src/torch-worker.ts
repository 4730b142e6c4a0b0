/**
 * The PyTorch worker process of one device (libs/torch/python/worker.py): started on first use,
 * answering one framed request at a time over its stdin/stdout, restarted on the next request after
 * it dies. A death fails only the request that was running, with the worker's stderr tail.
 *
 *   const worker = new TorchWorker({ device: 'cuda:0', dtype: 'bfloat16' });
 *   const { header } = await worker.request({ op: 'hello' });     // { torch: '2.11.0', name: 'NVIDIA H100 …' }
 *   await worker.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameReader, type Frame, type FrameTensor } from './frames.js';
import { TorchWorkerError } from './errors/torch-worker-error.js';

/** libs/torch/python/worker.py, found from this file in src/ or dist/. */
export const WORKER_SCRIPT = fileURLToPath(new URL('../python/worker.py', import.meta.url));

export type TorchDtype = 'float32' | 'bfloat16' | 'float16';

/** Options of {@link TorchWorker}. */
export interface TorchWorkerOptions {
  /**
   * torch device string: `cpu`, `cuda`, `cuda:N`.
   * @defaultValue 'cpu'
   */
  device?: string;
  /**
   * Weights' and activations' dtype (norms, softmax and the adapter's R stay float32).
   * @defaultValue 'float32'
   */
  dtype?: TorchDtype;
  /**
   * The Python that has torch.
   * @defaultValue `$TINYSWEEP_PYTHON`, else `python3`
   */
  python?: string;
  /**
   * torch intra-op threads.
   * @defaultValue 0 (torch's choice)
   */
  threads?: number;
  /**
   * Bytes of the worker's stderr kept for error messages.
   * @defaultValue 4096
   */
  stderrTailBytes?: number;
  /** Each stderr line as it comes (the trainer logs them). */
  onStderr?: (line: string) => void;
  /** Extra environment for the worker (the trainer's own is passed through). */
  env?: Record<string, string>;
}

interface Pending {
  op: string;
  resolve: (frame: Frame) => void;
  reject: (err: Error) => void;
}

export class TorchWorker {
  readonly options: Required<Omit<TorchWorkerOptions, 'onStderr' | 'env'>> & Pick<TorchWorkerOptions, 'onStderr' | 'env'>;
  /** Processes started so far: a new number means a fresh worker that holds nothing. */
  incarnation = 0;
  private child?: ChildProcess;
  private pending?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stderr = '';
  private closed = false;

  constructor(opts: TorchWorkerOptions = {}) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)); // { python: undefined } keeps the default
    this.options = { device: 'cpu', dtype: 'float32', python: process.env.TINYSWEEP_PYTHON || 'python3', threads: 0, stderrTailBytes: 4096, ...given };
    if (!/^(cpu|cuda(:\d+)?)$/.test(this.options.device)) throw new Error(`device must be cpu, cuda or cuda:N (got "${this.options.device}")`);
    if (!['float32', 'bfloat16', 'float16'].includes(this.options.dtype)) throw new Error(`dtype must be float32, bfloat16 or float16 (got "${this.options.dtype}")`);
    if (!Number.isInteger(this.options.threads) || this.options.threads < 0) throw new Error(`threads must be a non-negative integer (got ${this.options.threads})`);
  }

  /** The running process's id (undefined before the first request and after a death). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Sends one request and resolves with the answer (header without `id`/`ok`, tensors by name).
   * Requests queue: one runs at a time. Rejects with a {@link TorchWorkerError}: the worker's own
   * refusal (`code` as it says), or its death ('exited', stderr tail in the message).
   */
  request(header: { op: string } & Record<string, unknown>, tensors: readonly FrameTensor[] = []): Promise<Frame> {
    const run = this.queue.then(() => this.send(header, tensors));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker (EOF on its stdin, then SIGKILL after `graceMs`). */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private send(header: { op: string } & Record<string, unknown>, tensors: readonly FrameTensor[]): Promise<Frame> {
    if (this.closed) return Promise.reject(new TorchWorkerError('closed', 'is closed'));
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<Frame>((resolve, reject) => {
      this.pending = { op: header.op, resolve, reject };
      child.stdin!.write(encodeFrame({ ...header, id }, tensors), (err) => {
        if (err && this.pending?.op === header.op) this.fail(new TorchWorkerError('exited', `could not take the ${header.op} request (${err.message})`, this.tail()));
      });
    }).then((frame) => {
      if (frame.header.id !== id) throw new TorchWorkerError('protocol', `answered request ${String(frame.header.id)}, expected ${id}`);
      if (frame.header.ok !== true) throw new TorchWorkerError(String(frame.header.code ?? 'internal'), `refused ${header.op}: ${String(frame.header.error)}`);
      delete frame.header.id;
      delete frame.header.ok;
      return frame;
    });
  }

  private start(): ChildProcess {
    const { python, device, dtype, threads } = this.options;
    const args = ['-u', WORKER_SCRIPT, '--device', device, '--dtype', dtype, '--threads', String(threads)];
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...this.options.env } });
    this.child = child;
    this.incarnation++;
    this.stderr = '';
    const reader = new FrameReader();
    child.stdout!.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        this.fail(new TorchWorkerError('protocol', `sent a bad frame (${(err as Error).message})`, this.tail()));
        child.kill('SIGKILL');
        return;
      }
      for (const frame of frames) {
        const pending = this.pending;
        this.pending = undefined;
        pending?.resolve(frame);
      }
    });
    let partial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      // the tail of a text stream, kept small (what a failure reports)
      this.stderr = (this.stderr + text).slice(-2 * this.options.stderrTailBytes);
      if (!this.options.onStderr) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.options.onStderr(line);
    });
    child.stdin!.on('error', () => undefined); // a dead worker's pipe: the exit handler reports it
    child.once('error', (err) => {
      if (this.child === child) this.child = undefined;
      this.fail(new TorchWorkerError('spawn', `could not start (${python} ${WORKER_SCRIPT}: ${err.message})`));
    });
    // 'close', not 'exit': by then stderr is drained, so the tail holds the traceback
    child.once('close', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const during = this.pending ? ` while running ${this.pending.op}` : '';
      this.fail(new TorchWorkerError('exited', `${how}${during}`, this.tail()));
    });
    return child;
  }

  /** The stderr tail: at most stderrTailBytes, trimmed. */
  private tail(): string {
    return this.stderr.slice(-this.options.stderrTailBytes).trim();
  }

  private fail(err: TorchWorkerError): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
  }
}
