/** The `tinysweep nodes` table: one row per registered trainer node. */
import type { TrainerNode } from '@tinysweep/api-types';
import { formatDuration } from './numbers.js';
import { renderTable, type TableData } from './table.js';

export function nodesTableData(nodes: readonly TrainerNode[]): TableData {
  return {
    head: ['id', 'address', 'device', 'slots', 'backends', 'heartbeat', 'alive'],
    align: ['left', 'left', 'left', 'right', 'left', 'right', 'left'],
    rows: nodes.map((n) => [
      n.id,
      n.address,
      n.device,
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
