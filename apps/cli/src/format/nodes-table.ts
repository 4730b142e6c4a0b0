/** The `tinysweep nodes` table: one row per registered trainer node. */
import type { TrainerNode, TrainerWork } from '@tinysweep/api-types';
import { formatDuration, shortId } from './numbers.js';
import { renderTable, type TableData } from './table.js';

/** "2× NVIDIA H100 80GB HBM3 (79.6 GiB)": a node's GPUs, identical ones counted; '' without GPUs. */
export function describeGpus(gpus: TrainerNode['gpus']): string {
  const groups = new Map<string, number>();
  for (const g of gpus ?? []) {
    const key = `${g.name || 'GPU'} (${(g.memoryMiB / 1024).toFixed(1)} GiB)`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => `${n}× ${key}`).join(', ');
}

/** `training 3fa2c1d0 (2 trials, step 20)`, `evaluating 8ab1c2d3`, `trial 8ab1c2d3 (step 5)`. */
export function describeWork(w: TrainerWork, opts: { step?: boolean } = {}): string {
  const verb = w.kind === 'evaluation' ? 'evaluating' : w.kind;
  const extra = [w.kind === 'training' ? `${w.trials} trial${w.trials === 1 ? '' : 's'}` : '', w.step !== null && opts.step !== false ? `step ${w.step}` : ''].filter(Boolean);
  return `${verb} ${shortId(w.id)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** What a node's busy slots run, one entry per slot; '-' when idle. */
export function describeNodeWork(n: TrainerNode): string {
  return (n.work ?? []).map((w) => describeWork(w)).join('; ') || (n.busy > 0 ? `${n.busy} leased` : '-');
}

export function nodesTableData(nodes: readonly TrainerNode[]): TableData {
  return {
    head: ['id', 'address', 'device', 'gpus', 'slots', 'doing', 'backends', 'heartbeat', 'alive'],
    align: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'left'],
    rows: nodes.map((n) => [
      n.id,
      n.address,
      n.device,
      describeGpus(n.gpus) || '-',
      `${n.busy}/${n.slots}`,
      describeNodeWork(n),
      n.backends.join(','),
      `${formatDuration(n.heartbeatAgeMs)} ago`,
      n.alive ? 'yes' : n.error ? `no: ${n.error}` : 'no',
    ]),
  };
}

export function renderNodesTable(nodes: readonly TrainerNode[]): string {
  return renderTable(nodesTableData(nodes));
}
