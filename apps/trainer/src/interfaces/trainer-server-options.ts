import type { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { BackendRegistry } from '../backends/backend.js';

export interface TrainerServerOptions {
  /**
   * Interface to bind.
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /**
   * Port to bind; 0 picks a free one (read it from start()'s result).
   * @defaultValue 50051
   */
  port?: number;
  /**
   * `host:port` the dispatcher dials (what Describe and the heartbeat report).
   * @defaultValue the bound host:port (the machine's hostname when bound to a wildcard address)
   */
  advertise?: string;
  /**
   * Node id.
   * @defaultValue `${hostname}-${port}`
   */
  nodeId?: string;
  /**
   * Trainings run at once; a Train call beyond them fails with RESOURCE_EXHAUSTED.
   * @defaultValue 1
   */
  slots?: number;
  /**
   * Device it trains on: "cpu", "cuda:0", ...
   * @defaultValue 'cpu'
   */
  device?: string;
  /**
   * Models it can serve (paths or names), reported by Describe and the heartbeat.
   * @defaultValue []
   */
  models?: string[];
  /**
   * Shared token; when set every call needs `authorization: Bearer <token>` or gets UNAUTHENTICATED.
   * @defaultValue none (no authentication)
   */
  token?: string;
  /**
   * How the port is served: mutual TLS from `trainerServerCredentials()` (libs/proto) in production.
   * @defaultValue plain text (in-process tests; main.ts refuses it unless TINYSWEEP_ALLOW_PLAINTEXT=1)
   */
  credentials?: ServerCredentials;
  /**
   * Directory that relative paths in backend specs resolve against.
   * @defaultValue process.cwd()
   */
  workdir?: string;
  /**
   * Directories trials may read models and data from besides `workdir` (relative ones against it).
   * A trial whose model or data path resolves elsewhere (symlinks followed) fails as a bad request.
   * @defaultValue [] (the workdir only)
   */
  dataRoots?: string[];
  /**
   * How long stop() lets running trainings finish before cancelling them.
   * @defaultValue 0 (cancel at once)
   */
  drainMs?: number;
  /**
   * Generate calls (the board's Try it) served at once; one more gets RESOURCE_EXHAUSTED. They take
   * no training slot, so this is what keeps them from crowding out trainings.
   * @defaultValue 2
   */
  maxGenerations?: number;
  /**
   * Backends it offers.
   * @defaultValue the process-wide registry (backends/index.ts: tinylora; command refused)
   */
  backends?: BackendRegistry;
  /**
   * Version string it reports.
   * @defaultValue apps/trainer's package.json version
   */
  version?: string;
  /**
   * Logger.
   * @defaultValue a silent logger
   */
  logger?: Logger;
}
