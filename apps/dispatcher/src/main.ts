/**
 * tinysweep dispatcher — takes trial jobs from BullMQ, runs each on a leased trainer over gRPC,
 * and records results in Postgres exactly once. Run as many as you like; they share the work.
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… node apps/dispatcher/dist/main.js
 *
 * Env: see config.ts (TINYSWEEP_TRAINER_TOKEN, TINYSWEEP_LOCK_MS, TINYSWEEP_RECONCILE_MS, …).
 */
import { migrate } from '@tinysweep/db';
import { pino } from 'pino';
import { loadDispatcherConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';

const log = pino({ name: 'dispatcher', level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const config = loadDispatcherConfig();
  await migrate(config.DATABASE_URL, { log: (m) => log.info(m) });
  const dispatcher = new Dispatcher(config, log);
  await dispatcher.start();
  log.info({ id: config.TINYSWEEP_DISPATCHER_ID }, 'dispatcher ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'dispatcher stopping');
    dispatcher.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'dispatcher stopped with an error');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'dispatcher failed to start');
  process.exit(1);
});
