import { hostname } from 'node:os';
import { z } from 'zod';

/** Environment the dispatcher reads at boot; a bad value stops it with the variable's name. */
const DispatcherEnv = z.object({
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  TINYSWEEP_DISPATCHER_ID: z.string().default(`${hostname()}-${process.pid}`),
  /** Shared token the trainers require (TINYSWEEP_TRAINER_TOKEN on the trainer side). */
  TINYSWEEP_TRAINER_TOKEN: z.string().min(1).optional(),
  /** Mutual TLS towards trainers: this CA, and the dispatcher's own certificate and key (PEM files). */
  TINYSWEEP_TLS_CA: z.string().optional(),
  TINYSWEEP_TLS_CERT: z.string().optional(),
  TINYSWEEP_TLS_KEY: z.string().optional(),
  /** Dial trainers in plain text when no TLS is configured (only on a network you trust). */
  TINYSWEEP_ALLOW_PLAINTEXT: z.stringbool().default(false),
  /** A node silent this long leaves the pool. Keep equal to the API's value. */
  TINYSWEEP_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** A trainer slot held by a dispatcher that stopped renewing it is freed after this long. */
  TINYSWEEP_LEASE_TTL_MS: z.coerce.number().int().min(500).default(15_000),
  /** A job whose dispatcher stops renewing its lock this long is run again elsewhere. */
  TINYSWEEP_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How often Postgres and Redis are compared to re-enqueue trials whose jobs were lost. */
  TINYSWEEP_RECONCILE_MS: z.coerce.number().int().min(100).default(10_000),
  /** Learning-curve points are written in batches at most this far apart. */
  TINYSWEEP_STEP_FLUSH_MS: z.coerce.number().int().min(10).default(250),
});

export type DispatcherConfig = z.infer<typeof DispatcherEnv>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const parsed = DispatcherEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid dispatcher configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
