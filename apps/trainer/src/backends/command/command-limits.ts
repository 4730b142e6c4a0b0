/**
 * Resource limits on a `command` program (--command-limits memory=4g,cpu=3600,…). Each is applied
 * by the sandbox launcher (sandbox/launch.py): rlimits on the program, and `memory` by watching the
 * resident memory of the program and everything it started (RSS of the whole tree, which an rlimit
 * cannot bound; past it the tree is killed). `null` means unlimited.
 */
export interface CommandLimits {
  /** Resident memory of the whole process tree, bytes. */
  memory: number | null;
  /** Address space per process (RLIMIT_AS), bytes. CUDA programs reserve huge ranges: use unlimited there. */
  as: number | null;
  /** CPU seconds per process (RLIMIT_CPU); past it the program gets SIGXCPU. */
  cpu: number | null;
  /** Largest file a process may write (RLIMIT_FSIZE), bytes; past it SIGXFSZ. */
  fsize: number | null;
  /** Processes of the program's user (RLIMIT_NPROC); only applied when programs run as their own user. */
  nproc: number | null;
  /** Open files per process (RLIMIT_NOFILE). */
  nofile: number | null;
}

const GiB = 1024 ** 3;

/** What a trainer uses unless --command-limits says otherwise. */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = { memory: 8 * GiB, as: 32 * GiB, cpu: 24 * 3600, fsize: 4 * GiB, nproc: 1024, nofile: 4096 };

const BYTES: (keyof CommandLimits)[] = ['memory', 'as', 'fsize'];
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: GiB, t: 1024 ** 4 };

/**
 * `memory=4g,as=unlimited,cpu=3600` → limits over the defaults. Sizes take k, m, g, t (powers of
 * 1024); cpu is seconds; `unlimited` lifts one. Throws naming the bad item.
 */
export function parseCommandLimits(text: string, base: CommandLimits = DEFAULT_COMMAND_LIMITS): CommandLimits {
  const out = { ...base };
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(.+)$/.exec(item);
    const key = m?.[1] as keyof CommandLimits | undefined;
    if (!m || !key || !(key in out)) throw new Error(`command limits: "${item}" is not one of ${Object.keys(out).map((k) => `${k}=…`).join(', ')}`);
    const value = m[2]!.trim().toLowerCase();
    if (value === 'unlimited') {
      out[key] = null;
      continue;
    }
    const n = BYTES.includes(key) ? /^(\d+(?:\.\d+)?)([kmgt]?)(?:i?b)?$/.exec(value) : /^(\d+)()$/.exec(value);
    if (!n) throw new Error(`command limits: ${key} must be ${BYTES.includes(key) ? 'a size such as 512m or 4g' : 'a whole number'} or unlimited (got "${m[2]}")`);
    const amount = Math.floor(Number(n[1]) * UNITS[n[2] ?? '']!);
    if (!(amount > 0) || !Number.isSafeInteger(amount)) throw new Error(`command limits: ${key} must be greater than 0 (got "${m[2]}")`);
    out[key] = amount;
  }
  return out;
}

/** `8 GiB`, `3600 s`, `unlimited`: for messages. */
export function describeLimit(key: keyof CommandLimits, value: number | null): string {
  if (value === null) return 'unlimited';
  if (!BYTES.includes(key)) return key === 'cpu' ? `${value} s` : String(value);
  for (const [unit, size] of [['GiB', GiB], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (value >= size) return `${+(value / size).toFixed(1)} ${unit}`;
  return `${value} B`;
}
