import type { TrainerNodeInfo } from '@tinysweep/api-types';
import type { Logger } from 'pino';

/** What a trainer tells the control plane on every beat (POST /nodes/heartbeat): the node's one shape. */
export type HeartbeatBody = TrainerNodeInfo;

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
