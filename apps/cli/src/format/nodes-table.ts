/** The `tinysweep nodes` table: one row per registered trainer node. */
import type { TrainerNode } from '@tinysweep/api-types';
import { formatDuration } from './numbers.js';
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

export function nodesTableData(nodes: readonly TrainerNode[]): TableData {
  return {
    head: ['id', 'address', 'device', 'gpus', 'slots', 'backends', 'heartbeat', 'alive'],
    align: ['left', 'left', 'left', 'left', 'right', 'left', 'right', 'left'],
    rows: nodes.map((n) => [
      n.id,
      n.address,
      n.device,
      describeGpus(n.gpus) || '-',
      `${n.busy}/${n.slots}`,
      n.backends.join(','),
      `${formatDuration(n.heartbeatAgeMs)} ago`,
      n.alive ? 'yes' : 'no',
    ]),
  };
}

export function renderNodesTable(nodes: readonly TrainerNode[]): string {
  return renderTable(nodesTableData(nodes));
}
