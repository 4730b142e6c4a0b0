import type { TrainerNodeStatus } from '@tinysweep/fleet';

/**
 * The trainers to ask for a trial's Try it, best first: live nodes offering the trial's backend; the
 * node that trained the trial leads (its model and session are likely still cached), then the least
 * busy. Generation takes no slot, so busy nodes stay candidates.
 */
export function tryItNodes(nodes: readonly TrainerNodeStatus[], backend: string, trainedOn: string | null): TrainerNodeStatus[] {
  return nodes
    .filter((n) => n.alive && n.backends.includes(backend))
    .sort((a, b) => Number(b.id === trainedOn) - Number(a.id === trainedOn) || a.busy / a.slots - b.busy / b.slots || a.id.localeCompare(b.id));
}
