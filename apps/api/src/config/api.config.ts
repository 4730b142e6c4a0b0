import { z } from 'zod';

/** Environment the API reads at boot; a bad value stops it with the variable's name. */
const ApiEnv = z.object({
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  TINYSWEEP_API_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  TINYSWEEP_API_HOST: z.string().default('127.0.0.1'),
  /** When set, mutating endpoints (and trainer heartbeats) need `Authorization: Bearer <token>`. */
  TINYSWEEP_API_TOKEN: z.string().min(1).optional(),
  /** Largest spec body accepted, in bytes. */
  TINYSWEEP_MAX_SPEC_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  /** Seconds without a heartbeat after which a trainer leaves the lease pool. */
  TINYSWEEP_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How often finished reproduction runs are looked for, to record their verdicts. */
  TINYSWEEP_VERDICT_MS: z.coerce.number().int().min(100).default(2000),
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
