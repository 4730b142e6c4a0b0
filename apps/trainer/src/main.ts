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
 *   TINYSWEEP_TRAINER_DEVICE    (--device)        cpu; "cuda:0" (ONNX Runtime), "torch", "torch:cuda", "torch:cuda:1"
 *   TINYSWEEP_TRAINER_GPUS      (--gpus)          none; torch:cuda: "all" or "0,1": one slot (and worker) per GPU
 *   TINYSWEEP_TRAINER_DTYPE     (--dtype)         float32; torch: bfloat16 | float16 weights
 *   TINYSWEEP_PYTHON            (--python)        python3; torch: the Python that has torch
 *   TINYSWEEP_TRAINER_MODELS    (--models)        none; comma-separated models this node serves
 *   TINYSWEEP_WORKDIR           (--workdir)       the current directory; base of a command's cwd
 *   TINYSWEEP_TRAINER_DRAIN_MS  (--drain-ms)      0; on SIGTERM/SIGINT, how long running trainings
 *                                                 may finish before they are cancelled
 *   TINYSWEEP_API_URL           (--api-url)       none; the control plane, e.g. http://127.0.0.1:4100.
 *                                                 Unset: no heartbeat (a standalone trainer)
 *   TINYSWEEP_HEARTBEAT_MS      (--heartbeat-ms)  2000
 *   TINYSWEEP_LOG_LEVEL         (--log-level)     info
 *   TINYSWEEP_TRAINER_THREADS   (--threads)       0; tinylora: intra-op threads per ONNX Runtime session or
 *                                                 torch worker (0 = the runtime's choice)
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
import { builtInBackends, parseDevice, TinyLoraBackend, type BackendRegistry, type CommandBackend } from './backends/index.js';
import { discoverGpus, selectGpus, type GpuInfo } from './gpus.js';
import { Heartbeat } from './heartbeat.js';
import { loadTrainerConfig, TRAINER_USAGE, type TrainerConfig } from './trainer-config.js';
import { TrainerServer } from './trainer-server.js';

async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadTrainerConfig>;
  let backends: BackendRegistry | undefined;
  let gpus: GpuInfo[] | undefined;
  try {
    loaded = loadTrainerConfig(process.env, process.argv.slice(2));
    if (!('help' in loaded)) {
      const spec = parseDevice(loaded.device);
      if (loaded.gpus !== undefined) {
        // one slot per GPU listed, each slot's torch worker pinned to its GPU
        if (!(spec.runtime === 'torch' && spec.kind === 'cuda')) throw new Error(`--gpus needs --device torch:cuda (got --device ${loaded.device})`);
        gpus = selectGpus(loaded.gpus, discoverGpus());
        if (loaded.slotsGiven && loaded.slots !== gpus.length) throw new Error(`--slots ${loaded.slots} disagrees with --gpus ${loaded.gpus} (${gpus.length} GPUs: one slot per GPU)`);
        loaded.slots = gpus.length;
      } else if (spec.runtime === 'torch' && spec.kind === 'cuda') {
        // reported only: a node without nvidia-smi still runs
        gpus = (() => {
          try {
            return discoverGpus().filter((g) => g.index === spec.gpu);
          } catch {
            return undefined;
          }
        })();
      }
      // The node's device and threads configure the tinylora backend (a device it cannot use is a config error).
      // The command backend only with allowed programs (--allow-command), confined (backends/command/sandbox.ts).
      backends = builtInBackends({
        tinylora: {
          device: loaded.device,
          threads: loaded.threads,
          maxBatch: loaded.maxBatch,
          slots: loaded.slots,
          gpus: gpus && loaded.gpus !== undefined ? gpus.map((g) => g.index) : undefined,
          dtype: loaded.dtype,
          python: loaded.python,
          onWorkerStderr: (slot, line) => process.stderr.write(`[torch worker ${slot}] ${line}\n`),
        },
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
  const tinylora = backends?.get('tinylora');
  if (tinylora instanceof TinyLoraBackend && tinylora.slotDevices.length > 0) {
    // torch: start every slot's worker now, so a node without torch (or its GPU) refuses to start
    try {
      for (const [slot, info] of (await tinylora.describeDevices()).entries()) {
        logger.info({ slot, torch: info.torch, device: info.device, dtype: info.dtype, gpu: info.name, pid: info.pid }, 'torch worker ready');
      }
    } catch (err) {
      process.stderr.write(`tinysweep-trainer: --device ${config.device}: ${(err as Error).message}\n(is torch installed for that Python? set --python or TINYSWEEP_PYTHON)\n`);
      await tinylora.close();
      process.exit(2);
    }
  }

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
  const info = server.node();
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
      body: () => ({
        ...server.node(),
        ...(gpus && gpus.length > 0 ? { gpus } : {}),
        ...(tinylora instanceof TinyLoraBackend ? { loadedModels: tinylora.loadedModels() } : {}),
      }),
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
