#!/usr/bin/env node
/**
 * tinysweep trainer: a gRPC server (Describe, Train, Generate for Try it) on a trainer node.
 *
 *   node apps/trainer/dist/main.js [--port 0] [--slots 2] ...      (or: npm start -w @tinysweep/trainer)
 *   TINYSWEEP_TRAINER_PORT=0 TINYSWEEP_API_URL=http://127.0.0.1:4100 node apps/trainer/dist/main.js
 *
 * Configuration — environment variable (flag), default. Flags win over the environment.
 *   TINYSWEEP_TRAINER_PORT      (--port)          50051; 0 picks a free port (see the listening line)
 *   TINYSWEEP_TRAINER_HOST      (--host)          127.0.0.1; the interface to bind (0.0.0.0 for all)
 *   TINYSWEEP_TRAINER_ADVERTISE (--advertise)     host:port the dispatcher dials; default the bound
 *                                                 host:port (the hostname when bound to 0.0.0.0 / ::)
 *   TINYSWEEP_TRAINER_ID        (--id)            hostname-port
 *   TINYSWEEP_TRAINER_SLOTS     (--slots)         1; trainings at once, more get RESOURCE_EXHAUSTED
 *   TINYSWEEP_TRAINER_DEVICE    (--device)        cpu; "cuda:0", ...
 *   TINYSWEEP_TRAINER_MODELS    (--models)        none; comma-separated models this node serves
 *   TINYSWEEP_WORKDIR           (--workdir)       the current directory; base of a command's cwd
 *   TINYSWEEP_TRAINER_DRAIN_MS  (--drain-ms)      0; on SIGTERM/SIGINT, how long running trainings
 *                                                 may finish before they are cancelled
 *   TINYSWEEP_API_URL           (--api-url)       none; the control plane, e.g. http://127.0.0.1:4100.
 *                                                 Unset: no heartbeat (a standalone trainer)
 *   TINYSWEEP_HEARTBEAT_MS      (--heartbeat-ms)  2000
 *   TINYSWEEP_LOG_LEVEL         (--log-level)     info
 *   TINYSWEEP_TRAINER_THREADS   (--threads)       0; tinylora: ONNX Runtime intra-op threads per session
 *                                                 (0 = one per core)
 *   TINYSWEEP_TRAINER_MAX_BATCH (--max-batch)     32; tinylora: rows per forward pass
 *   TINYSWEEP_CACHE_DIR         (env only)        ~/.cache/tinysweep/graphs; tinylora's ONNX graph cache
 *   TINYSWEEP_TRAINER_TOKEN     (env only)        shared token; when set, every gRPC call without
 *                                                 `authorization: Bearer <token>` gets UNAUTHENTICATED
 *   TINYSWEEP_NODE_TOKEN        (env only)        the control plane's node token (role node) for heartbeats
 *   TINYSWEEP_DATA_ROOTS        (--data-roots)    folders models and data may come from besides the workdir
 *   TINYSWEEP_ALLOW_COMMAND     (--allow-command) programs the command backend may run (none: it is off);
 *                                                 TINYSWEEP_COMMAND_* (--command-*) confine them: see --help
 *   TINYSWEEP_TLS_CA / _CERT / _KEY (env only)    mutual TLS: the CA that signed dispatchers' certificates,
 *                                                 and this node's certificate and key (PEM files)
 *   TINYSWEEP_ALLOW_PLAINTEXT   (env only)        1 to serve plain gRPC when no TLS is configured;
 *                                                 without it and without TLS the trainer refuses to start
 *
 * Logs are pino JSON lines on stdout. Once serving it logs exactly one line with
 * `"msg":"trainer listening"` and `"address"` (host:port bound) / `"advertise"`, which a parent
 * process can wait for. SIGTERM/SIGINT stop it cleanly (cancel trainings, leave the control
 * plane); a second signal exits at once.
 */
import { trainerServerCredentials } from '@tinysweep/proto';
import { loadTlsMaterial } from '@tinysweep/tls';
import { pino } from 'pino';
import { builtInBackends, type BackendRegistry, type CommandBackend } from './backends/index.js';
import { Heartbeat } from './heartbeat.js';
import { loadTrainerConfig, TRAINER_USAGE, type TrainerConfig } from './trainer-config.js';
import { TrainerServer } from './trainer-server.js';

async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadTrainerConfig>;
  let backends: BackendRegistry | undefined;
  try {
    loaded = loadTrainerConfig(process.env, process.argv.slice(2));
    // The node's device and threads configure the tinylora backend (a device it cannot use is a config error).
    // The command backend only with allowed programs (--allow-command), confined (backends/command/sandbox.ts).
    if (!('help' in loaded)) {
      backends = builtInBackends({
        tinylora: { device: loaded.device, threads: loaded.threads, maxBatch: loaded.maxBatch },
        command: loaded.command && { ...loaded.command, workdir: loaded.workdir },
      });
    }
  } catch (err) {
    process.stderr.write(`tinysweep-trainer: ${(err as Error).message}\n\n${TRAINER_USAGE}`);
    process.exit(2);
  }
  if ('help' in loaded) {
    process.stdout.write(TRAINER_USAGE);
    return;
  }
  const config: TrainerConfig = loaded;
  const logger = pino({ name: 'trainer', level: config.logLevel });

  let credentials;
  try {
    credentials = trainerServerCredentials(loadTlsMaterial(config.tls, 'trainer TLS'), config.allowPlaintext);
  } catch (err) {
    process.stderr.write(`tinysweep-trainer: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const server = new TrainerServer({
    credentials,
    host: config.host,
    port: config.port,
    advertise: config.advertise,
    nodeId: config.nodeId,
    slots: config.slots,
    device: config.device,
    models: config.models,
    token: config.token,
    workdir: config.workdir,
    dataRoots: config.dataRoots,
    drainMs: config.drainMs,
    backends,
    logger,
  });
  const { port, address, nodeId } = await server.start();
  const info = server.describe();
  const command = backends?.has('command') ? (backends.get('command') as CommandBackend).describe() : 'off';
  const level = typeof command === 'object' && command.warnings ? 'warn' : 'info';
  logger[level]({ roots: server.roots.all, command }, command === 'off' ? 'command backend off (no --allow-command)' : 'command backend on, sandboxed');
  logger.info(
    { address: `${config.host}:${port}`, port, advertise: address, nodeId, slots: info.slots, device: info.device, backends: info.backends, auth: Boolean(config.token) },
    'trainer listening',
  );

  let heartbeat: Heartbeat | undefined;
  if (config.apiUrl) {
    heartbeat = new Heartbeat({
      apiUrl: config.apiUrl,
      token: config.nodeToken,
      intervalMs: config.heartbeatMs,
      logger,
      body: () => {
        const node = server.describe();
        return {
          id: node.nodeId ?? nodeId,
          address: node.address ?? address,
          device: node.device ?? config.device,
          slots: node.slots ?? config.slots,
          running: node.running ?? 0,
          backends: node.backends ?? [],
          models: node.models ?? [],
          version: node.version ?? '',
        };
      },
    });
    heartbeat.start();
  } else {
    logger.info('TINYSWEEP_API_URL is not set: no heartbeat, the trainer is not registered anywhere');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, running: server.running }, 'stopping');
    await heartbeat?.stop({ leave: false });
    await server.stop();
    await heartbeat?.stop({ leave: true });
    logger.info('trainer stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`tinysweep-trainer: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
