import { z } from 'zod';

/** Environment the API reads at boot; a bad value stops it with the variable's name. */
const ApiEnv = z.object({
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  TINYSWEEP_API_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  TINYSWEEP_API_HOST: z.string().default('127.0.0.1'),
  /**
   * API tokens (see SECURITY.md). Every route but /health, /docs and the board's static files needs
   * `Authorization: Bearer <token>` of a role that allows it. TINYSWEEP_API_TOKENS_FILE is a store of
   * hashed tokens with names and roles (`tinysweep token create`); TINYSWEEP_API_TOKEN (role admin) and
   * TINYSWEEP_NODE_TOKEN (role node, for trainers' heartbeats) are single tokens from the environment.
   * With none of them the API refuses to start, unless TINYSWEEP_INSECURE_NO_TOKEN=1 and it listens
   * on a loopback address only.
   */
  TINYSWEEP_API_TOKENS_FILE: z.string().min(1).optional(),
  TINYSWEEP_API_TOKEN: z.string().min(16, { error: 'must be at least 16 characters (tinysweep token create makes good ones)' }).optional(),
  TINYSWEEP_NODE_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  TINYSWEEP_INSECURE_NO_TOKEN: z.stringbool().default(false),
  /**
   * Host names (and addresses) the API answers to, comma-separated, on top of the loopback names and
   * the address it listens on (every local address when that is 0.0.0.0 / ::); "*" answers to any.
   * A request for another Host gets 403: a web page whose name was re-pointed at this machine (DNS
   * rebinding) cannot read or drive the API.
   */
  TINYSWEEP_API_HOSTS: z.string().default(''),
  /** Origins besides the API's own that may send requests (a board served elsewhere), comma-separated. */
  TINYSWEEP_API_ORIGINS: z.string().default(''),
  /** Sweep and schedule submissions per token (per client address without tokens) per minute. */
  TINYSWEEP_SUBMITS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Server-sent event streams open at once per client address. */
  TINYSWEEP_SSE_PER_CLIENT: z.coerce.number().int().min(1).default(16),
  /** The smallest interval between two ticks of a schedule's cron, in seconds. */
  TINYSWEEP_MIN_CRON_SECONDS: z.coerce.number().int().min(1).default(60),
  /** The most trials one sweep may hold, whatever its budget.maxTrials says. */
  TINYSWEEP_MAX_TRIALS_PER_SWEEP: z.coerce.number().int().min(1).default(10_000),
  /**
   * The trainers' workdir and data roots (absolute, comma-separated): a spec's absolute model or data
   * path outside them is refused at submission. Unset, the trainers alone judge (they always check,
   * following symlinks).
   */
  TINYSWEEP_DATA_ROOTS: z.string().default(''),
  /** Drift webhooks may use http:// (default: https only). */
  TINYSWEEP_WEBHOOK_ALLOW_HTTP: z.stringbool().default(false),
  /** Drift webhooks may reach private, loopback and link-local addresses (default: refused). */
  TINYSWEEP_WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  /** Largest spec body accepted, in bytes. */
  TINYSWEEP_MAX_SPEC_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  /** Seconds without a heartbeat after which a trainer leaves the lease pool. */
  TINYSWEEP_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * How often each API replica makes Redis's schedule clocks match Postgres's schedules (also once at
   * start): a Redis that restarted empty, or lost its last writes, ticks again within this long.
   */
  TINYSWEEP_SCHEDULE_SYNC_MS: z.coerce.number().int().min(100).default(60_000),
  /** How often finished reproduction runs are looked for, to record their verdicts. */
  TINYSWEEP_VERDICT_MS: z.coerce.number().int().min(100).default(2000),
  /**
   * How often finished sweeps are looked for whose board snapshot is missing (apps/api
   * board-snapshots.ts: built in the background, so a big sweep's first visitor reads one row); 0: never.
   */
  TINYSWEEP_BOARD_SNAPSHOT_MS: z.coerce.number().int().min(0).default(5000),
  /** Sweeps of fewer trials get no board snapshot: their passes take well under a second. */
  TINYSWEEP_BOARD_SNAPSHOT_MIN_TRIALS: z.coerce.number().int().min(1).default(5000),
  /** Static board files served at / (apps/board's build), if present. */
  TINYSWEEP_BOARD_DIR: z.string().optional(),
  /**
   * Try it dials trainers over gRPC like the dispatcher does, with the same settings: the trainers'
   * shared token, and mutual TLS (the CA, and a client certificate and key; the dispatcher's will do).
   * Without TLS and without TINYSWEEP_ALLOW_PLAINTEXT=1, Try it answers 503 saying so.
   */
  TINYSWEEP_TRAINER_TOKEN: z.string().min(1).optional(),
  TINYSWEEP_TLS_CA: z.string().optional(),
  TINYSWEEP_TLS_CERT: z.string().optional(),
  TINYSWEEP_TLS_KEY: z.string().optional(),
  TINYSWEEP_ALLOW_PLAINTEXT: z.stringbool().default(false),
  /** How long one Try it may take on a trainer (a cold node loads the model first). */
  TINYSWEEP_TRY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
});

export type ApiConfig = z.infer<typeof ApiEnv>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = ApiEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid API configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/** DI token for the ApiConfig value. */
export const API_CONFIG = Symbol('API_CONFIG');
