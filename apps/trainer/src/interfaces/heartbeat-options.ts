import type { Logger } from 'pino';

/** What a trainer tells the control plane on every beat (POST /nodes/heartbeat). */
export interface HeartbeatBody {
  id: string;
  address: string;
  device: string;
  slots: number;
  running: number;
  backends: string[];
  models: string[];
  version: string;
  /** The GPUs its slots run on (index, name, total memory in MiB), on a GPU node. */
  gpus?: { index: number; name: string; memoryMiB: number }[];
  /** Model paths (as trials name them) it holds in memory now: leases prefer a node that has the trial's. */
  loadedModels?: string[];
}

export interface HeartbeatOptions {
  /** Control plane base URL, e.g. http://127.0.0.1:4100. */
  apiUrl: string;
  /** Produces the body of each beat (called every time, so `running` is current). */
  body: () => HeartbeatBody;
  /**
   * Bearer token for the API.
   * @defaultValue none
   */
  token?: string;
  /**
   * Time between beats.
   * @defaultValue 2000
   */
  intervalMs?: number;
  /**
   * Per-request timeout.
   * @defaultValue 5000
   */
  requestTimeoutMs?: number;
  /**
   * Logger.
   * @defaultValue a silent logger
   */
  logger?: Logger;
}
