/**
 * `tinysweep trainer --api … --device torch:cuda --gpus all`: run a trainer node that joins a control
 * plane (one slot per GPU, each with its own PyTorch worker), or `--device cpu --slots N` (ONNX Runtime).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';

interface TrainerOptions {
  device: string;
  slots?: string;
  gpus?: string;
  dtype?: string;
  python?: string;
  maxBatch?: string;
  port: string;
  host: string;
  advertise?: string;
  id?: string;
  tlsDir?: string;
  plaintext?: boolean;
  allowCommand?: string;
  dataRoots?: string;
}

const TRAINER_MAIN = fileURLToPath(new URL('../../../trainer/dist/main.js', import.meta.url));

export function registerTrainer(program: Command, host: CommandHost): void {
  program
    .command('trainer')
    .description('run a trainer node that registers with the control plane at --api')
    .option('--device <device>', 'cpu, cuda, cuda:1 (ONNX Runtime); torch, torch:cuda, torch:cuda:1 (a PyTorch worker per slot)', 'cpu')
    .option('--slots <n>', 'trainings at once (default 1, or one per GPU with --gpus)')
    .option('--gpus <list>', 'torch:cuda: all, or GPU indices like 0,1 — one slot per GPU')
    .option('--dtype <dtype>', 'torch: float32 (default), bfloat16 or float16')
    .option('--python <path>', 'torch: the Python that has torch (default python3, or TINYSWEEP_PYTHON)')
    .option('--max-batch <n>', 'rows per forward pass (default 32; a GPU wants 256 or more)')
    .option('--port <port>', 'gRPC port', '50051')
    .option('--host <addr>', 'interface to bind', '0.0.0.0')
    .option('--advertise <host:port>', 'address dispatchers dial (default: this host name and the port)')
    .option('--id <id>', 'node id (default: hostname-port)')
    .option('--tls-dir <dir>', 'folder with ca.pem, trainer.pem, trainer-key.pem (from `tinysweep certs`)')
    .option('--plaintext', 'serve gRPC without TLS (trusted networks only)')
    .option('--allow-command <programs>', 'let the command backend run these programs, sandboxed (e.g. python3,node); off without it')
    .option('--data-roots <dirs>', 'comma-separated folders models and data may come from, besides the working directory')
    .action(async (o: TrainerOptions, cmd: Command) => {
      const ctx = host.context(cmd);
      if (!existsSync(TRAINER_MAIN)) throw new Error(`${TRAINER_MAIN} not found; build first: node scripts/setup.mjs`);
      if (!o.tlsDir && !o.plaintext && !process.env.TINYSWEEP_TLS_CA) {
        throw new UsageError('give --tls-dir (see `tinysweep certs`), set TINYSWEEP_TLS_CA/CERT/KEY, or pass --plaintext on a trusted network');
      }
      const tls = o.tlsDir ? resolve(o.tlsDir) : undefined;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        // Heartbeats carry the node token (TINYSWEEP_NODE_TOKEN, role node) from the environment, never a user's token.
        TINYSWEEP_API_URL: ctx.apiUrl,
        TINYSWEEP_API_TOKEN: undefined,
        ...(o.allowCommand ? { TINYSWEEP_ALLOW_COMMAND: o.allowCommand } : {}),
        ...(o.dataRoots ? { TINYSWEEP_DATA_ROOTS: o.dataRoots } : {}),
        TINYSWEEP_TRAINER_DEVICE: o.device,
        ...(o.slots ? { TINYSWEEP_TRAINER_SLOTS: o.slots } : {}),
        ...(o.gpus ? { TINYSWEEP_TRAINER_GPUS: o.gpus } : {}),
        ...(o.dtype ? { TINYSWEEP_TRAINER_DTYPE: o.dtype } : {}),
        ...(o.python ? { TINYSWEEP_PYTHON: o.python } : {}),
        ...(o.maxBatch ? { TINYSWEEP_TRAINER_MAX_BATCH: o.maxBatch } : {}),
        TINYSWEEP_TRAINER_PORT: o.port,
        TINYSWEEP_TRAINER_HOST: o.host,
        ...(o.advertise ? { TINYSWEEP_TRAINER_ADVERTISE: o.advertise } : {}),
        ...(o.id ? { TINYSWEEP_TRAINER_ID: o.id } : {}),
        ...(tls ? { TINYSWEEP_TLS_CA: join(tls, 'ca.pem'), TINYSWEEP_TLS_CERT: join(tls, 'trainer.pem'), TINYSWEEP_TLS_KEY: join(tls, 'trainer-key.pem') } : {}),
        ...(o.plaintext ? { TINYSWEEP_ALLOW_PLAINTEXT: '1' } : {}),
      };
      const child = spawn(process.execPath, [TRAINER_MAIN], { env, stdio: 'inherit' });
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      const code = await new Promise<number>((r) => child.on('exit', (c, s) => r(c ?? (s ? 128 : ExitCode.Failure))));
      host.exit(code);
    });
}
