import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandBackendOptions } from './backends/command/command-backend.js';
import { parseCommandLimits } from './backends/command/command-limits.js';
import { DEFAULT_CONNECT_PORTS, lookupUser, type SandboxOptions } from './backends/command/sandbox.js';

/** Everything main.ts needs, from the environment and command-line flags (flags win). */
export interface TrainerConfig {
  host: string;
  port: number;
  advertise?: string;
  nodeId?: string;
  slots: number;
  device: string;
  models: string[];
  workdir: string;
  drainMs: number;
  apiUrl?: string;
  /** The node token (role node) heartbeats carry. */
  nodeToken?: string;
  token?: string;
  /** Directories trials may read models and data from besides the workdir. */
  dataRoots: string[];
  /** The command backend's settings; undefined: the backend is off (no --allow-command). */
  command?: CommandBackendOptions;
  /** Mutual-TLS files; all three or none. */
  tls: { ca?: string; cert?: string; key?: string };
  /** Serve plain gRPC when no TLS is configured. */
  allowPlaintext: boolean;
  heartbeatMs: number;
  logLevel: string;
  /** tinylora backend: ONNX Runtime intra-op threads per session (0 = one per core). */
  threads: number;
  /** tinylora backend: rows per forward pass. */
  maxBatch: number;
  /** tinylora on torch:cuda: `all` or GPU indices, one slot per GPU (`--gpus`); undefined = not given. */
  gpus?: string;
  /** tinylora on torch: the weights' dtype. */
  dtype: 'float32' | 'bfloat16' | 'float16';
  /** tinylora on torch: the Python that has torch (undefined: $TINYSWEEP_PYTHON, else python3). */
  python?: string;
  /** True when --slots / TINYSWEEP_TRAINER_SLOTS was given (--gpus then must agree with it). */
  slotsGiven: boolean;
}

/** flag → environment variable; secrets (tokens) are environment-only so they stay out of `ps`. */
const FLAGS = {
  host: 'TINYSWEEP_TRAINER_HOST',
  port: 'TINYSWEEP_TRAINER_PORT',
  advertise: 'TINYSWEEP_TRAINER_ADVERTISE',
  id: 'TINYSWEEP_TRAINER_ID',
  slots: 'TINYSWEEP_TRAINER_SLOTS',
  device: 'TINYSWEEP_TRAINER_DEVICE',
  models: 'TINYSWEEP_TRAINER_MODELS',
  workdir: 'TINYSWEEP_WORKDIR',
  'drain-ms': 'TINYSWEEP_TRAINER_DRAIN_MS',
  'api-url': 'TINYSWEEP_API_URL',
  'heartbeat-ms': 'TINYSWEEP_HEARTBEAT_MS',
  'log-level': 'TINYSWEEP_LOG_LEVEL',
  threads: 'TINYSWEEP_TRAINER_THREADS',
  'max-batch': 'TINYSWEEP_TRAINER_MAX_BATCH',
  gpus: 'TINYSWEEP_TRAINER_GPUS',
  dtype: 'TINYSWEEP_TRAINER_DTYPE',
  python: 'TINYSWEEP_PYTHON',
  'data-roots': 'TINYSWEEP_DATA_ROOTS',
  'allow-command': 'TINYSWEEP_ALLOW_COMMAND',
  'command-user': 'TINYSWEEP_COMMAND_USER',
  'command-limits': 'TINYSWEEP_COMMAND_LIMITS',
  'command-env': 'TINYSWEEP_COMMAND_ENV',
  'command-write': 'TINYSWEEP_COMMAND_WRITE',
  'command-connect': 'TINYSWEEP_COMMAND_CONNECT',
  'command-landlock': 'TINYSWEEP_COMMAND_LANDLOCK',
} as const;

export const TRAINER_USAGE = `usage: tinysweep-trainer [--flag value ...]

  --host          TINYSWEEP_TRAINER_HOST       bind address (127.0.0.1)
  --port          TINYSWEEP_TRAINER_PORT       port, 0 = any free one (50051)
  --advertise     TINYSWEEP_TRAINER_ADVERTISE  address the dispatcher dials (host:port)
  --id            TINYSWEEP_TRAINER_ID         node id (hostname-port)
  --slots         TINYSWEEP_TRAINER_SLOTS      trainings at once (1)
  --device        TINYSWEEP_TRAINER_DEVICE     cpu | cuda | cuda:N (ONNX Runtime) | torch | torch:cuda | torch:cuda:N (cpu)
  --gpus          TINYSWEEP_TRAINER_GPUS       torch:cuda: all | 0,1,... one slot per GPU (none)
  --dtype         TINYSWEEP_TRAINER_DTYPE      torch: float32 | bfloat16 | float16 (float32)
  --python        TINYSWEEP_PYTHON             torch: the Python that has torch (python3)
  --models        TINYSWEEP_TRAINER_MODELS     comma-separated models it serves ()
  --workdir       TINYSWEEP_WORKDIR            base of relative paths in specs (cwd)
  --drain-ms      TINYSWEEP_TRAINER_DRAIN_MS   on SIGTERM, let trainings finish this long (0)
  --api-url       TINYSWEEP_API_URL            control plane; unset = no heartbeat
  --heartbeat-ms  TINYSWEEP_HEARTBEAT_MS       heartbeat interval (2000)
  --log-level     TINYSWEEP_LOG_LEVEL          pino level (info)
  --threads       TINYSWEEP_TRAINER_THREADS    tinylora: threads per ONNX Runtime session or torch worker, 0 = runtime's choice (0)
  --max-batch     TINYSWEEP_TRAINER_MAX_BATCH  tinylora: rows per forward pass (32; a GPU wants 256+)
  --data-roots    TINYSWEEP_DATA_ROOTS         comma-separated folders models and data may come from,
                                               besides the workdir ()
  --allow-command TINYSWEEP_ALLOW_COMMAND      programs the command backend may run, e.g. python3,node
                                               (none: the command backend is off)
  --command-user  TINYSWEEP_COMMAND_USER       user programs run as: a name, uid:gid, or "trainer"
                                               (nobody when the trainer is root, else the trainer's)
  --command-limits TINYSWEEP_COMMAND_LIMITS    memory=8g,as=32g,cpu=86400,fsize=4g,nproc=1024,nofile=4096
                                               (each may be "unlimited"; CUDA programs need as=unlimited)
  --command-env   TINYSWEEP_COMMAND_ENV        trainer variables programs also get, e.g. HF_HOME ()
  --command-write TINYSWEEP_COMMAND_WRITE      folders programs may also write to, e.g. /dev/shm ()
  --command-connect TINYSWEEP_COMMAND_CONNECT  TCP ports programs may connect to, or "any" (80,443)
  --command-landlock TINYSWEEP_COMMAND_LANDLOCK required | off: run programs without write
                                               confinement where the kernel lacks Landlock (required)
                  TINYSWEEP_TRAINER_TOKEN      require "authorization: Bearer <token>" on gRPC
                  TINYSWEEP_NODE_TOKEN         the control plane's node token (role node) for heartbeats
`;

function int(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function dtypeOf({ name, value }: { name: string; value: string | undefined }): TrainerConfig['dtype'] {
  if (value === undefined) return 'float32';
  if (value === 'float32' || value === 'bfloat16' || value === 'float16') return value;
  throw new Error(`${name} must be float32, bfloat16 or float16, got "${value}"`);
}

/**
 * Reads the trainer's configuration. Throws an Error naming the variable (or flag) on a bad value
 * and on unknown flags; `{ help: true }` when --help was given.
 */
export function loadTrainerConfig(env: NodeJS.ProcessEnv, argv: string[]): TrainerConfig | { help: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  const flags = values as Record<string, string | boolean | undefined>;
  const get = (flag: keyof typeof FLAGS): { name: string; value: string | undefined } => {
    const fromFlag = flags[flag];
    if (typeof fromFlag === 'string') return { name: `--${flag}`, value: fromFlag };
    const fromEnv = env[FLAGS[flag]];
    return { name: FLAGS[flag], value: fromEnv === '' ? undefined : fromEnv };
  };
  const num = (flag: keyof typeof FLAGS, fallback: number, min: number, max?: number): number => {
    const { name, value } = get(flag);
    return value === undefined ? fallback : int(name, value, min, max);
  };

  const apiUrl = get('api-url').value;
  if (apiUrl !== undefined) {
    try {
      new URL(apiUrl);
    } catch {
      throw new Error(`${get('api-url').name} is not a URL: "${apiUrl}"`);
    }
  }
  return {
    host: get('host').value ?? '127.0.0.1',
    port: num('port', 50051, 0, 65535),
    advertise: get('advertise').value,
    nodeId: get('id').value,
    slots: num('slots', 1, 1),
    device: get('device').value ?? 'cpu',
    models: (get('models').value ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    workdir: resolve(get('workdir').value ?? process.cwd()),
    drainMs: num('drain-ms', 0, 0),
    apiUrl,
    nodeToken: env.TINYSWEEP_NODE_TOKEN || undefined,
    token: env.TINYSWEEP_TRAINER_TOKEN || undefined,
    dataRoots: list(get('data-roots').value),
    command: commandOptions(get),
    tls: { ca: env.TINYSWEEP_TLS_CA || undefined, cert: env.TINYSWEEP_TLS_CERT || undefined, key: env.TINYSWEEP_TLS_KEY || undefined },
    allowPlaintext: ['1', 'true', 'yes'].includes((env.TINYSWEEP_ALLOW_PLAINTEXT ?? '').toLowerCase()),
    heartbeatMs: num('heartbeat-ms', 2000, 1),
    logLevel: get('log-level').value ?? 'info',
    threads: num('threads', 0, 0, 1024),
    maxBatch: num('max-batch', 32, 1, 65536),
    gpus: get('gpus').value,
    dtype: dtypeOf(get('dtype')),
    python: get('python').value,
    slotsGiven: get('slots').value !== undefined,
  };
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The command backend's options from its flags; undefined when no program is allowed (the backend is off). */
function commandOptions(get: (flag: keyof typeof FLAGS) => { name: string; value: string | undefined }): CommandBackendOptions | undefined {
  const programs = list(get('allow-command').value);
  if (programs.length === 0) return undefined;
  const sandbox: Partial<SandboxOptions> = {};
  const user = get('command-user');
  if (user.value === 'trainer') sandbox.user = undefined;
  else if (user.value !== undefined) sandbox.user = lookupUser(user.value);
  const limits = get('command-limits');
  try {
    if (limits.value !== undefined) sandbox.limits = parseCommandLimits(limits.value);
  } catch (err) {
    throw new Error(`${limits.name}: ${(err as Error).message}`, { cause: err });
  }
  sandbox.writeDirs = list(get('command-write').value).map((d) => resolve(d));
  const connect = get('command-connect');
  if (connect.value === 'any') sandbox.connectPorts = 'any';
  else if (connect.value !== undefined) sandbox.connectPorts = list(connect.value).map((p) => int(connect.name, p, 1, 65535));
  else sandbox.connectPorts = DEFAULT_CONNECT_PORTS;
  const landlock = get('command-landlock');
  if (landlock.value !== undefined && landlock.value !== 'required' && landlock.value !== 'off') throw new Error(`${landlock.name} must be required or off, got "${landlock.value}"`);
  if (landlock.value) sandbox.landlock = landlock.value;
  return { programs, passEnv: list(get('command-env').value), sandbox };
}
