/**
 * The node's GPUs, as `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`
 * lists them: what `--gpus all` expands to and what heartbeats carry (index, name, memory), so the
 * board and `tinysweep nodes` show them.
 *
 *   discoverGpus()                  // [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }, …]
 *   selectGpus('0,2', discoverGpus())
 */
import { execFileSync } from 'node:child_process';

/** One GPU of the node. */
export interface GpuInfo {
  index: number;
  name: string;
  /** Total memory, MiB. */
  memoryMiB: number;
}

/** Runs a command and returns its stdout (throws when it cannot run or fails). */
export type RunCommand = (file: string, args: readonly string[]) => string;

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'] as const;

const runNvidiaSmi: RunCommand = (file, args) => execFileSync(file, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });

/** Parses nvidia-smi's CSV (one `index, name, memory` line per GPU); throws on a line it cannot read. */
export function parseNvidiaSmiCsv(text: string): GpuInfo[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const parts = line.split(',').map((p) => p.trim());
      const index = Number(parts[0]);
      const memoryMiB = Number(parts.at(-1));
      const name = parts.slice(1, -1).join(', '); // a name may hold a comma
      if (parts.length < 3 || !Number.isInteger(index) || index < 0 || !Number.isFinite(memoryMiB)) throw new Error(`nvidia-smi: cannot read the line "${line}"`);
      return { index, name, memoryMiB };
    });
}

/** The GPUs nvidia-smi lists; throws naming nvidia-smi when it cannot run. */
export function discoverGpus(run: RunCommand = runNvidiaSmi): GpuInfo[] {
  let out: string;
  try {
    out = run('nvidia-smi', NVIDIA_SMI_ARGS);
  } catch (err) {
    throw new Error(`cannot list the GPUs: nvidia-smi failed (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return parseNvidiaSmiCsv(out);
}

/** `all` or a comma-separated list of indices, checked against the GPUs present. */
export function selectGpus(spec: string, available: readonly GpuInfo[]): GpuInfo[] {
  if (spec.trim() === 'all') {
    if (available.length === 0) throw new Error('--gpus all: nvidia-smi lists no GPU');
    return [...available];
  }
  const wanted = spec.split(',').map((s) => s.trim());
  const seen = new Set<number>();
  return wanted.map((w) => {
    if (!/^\d+$/.test(w)) throw new Error(`--gpus must be all or a comma-separated list of GPU indices (got "${spec}")`);
    const index = Number(w);
    if (seen.has(index)) throw new Error(`--gpus lists GPU ${index} twice`);
    seen.add(index);
    const gpu = available.find((g) => g.index === index);
    if (!gpu) throw new Error(`--gpus: GPU ${index} is not on this node (nvidia-smi lists ${available.map((g) => g.index).join(', ') || 'none'})`);
    return gpu;
  });
}
