import type { TrainerFleet, TrainerLease } from '@tinysweep/fleet';
import { trainerRefusal, type NodeInfo__Output, type TrainerClient, type TrainerClients } from '@tinysweep/proto';
import { nodeContractRefusal } from '@tinysweep/trial';
import type { Logger } from 'pino';

/** How long a node's answer is trusted before it is asked again (a trainer restarted as another version). */
export const PROTOCOL_CHECK_EVERY_MS = 30_000;

/** How long the Describe of a check may take; past it the node is given the benefit of the doubt. */
const DESCRIBE_DEADLINE_MS = 5000;

/** Describe, resolving undefined when the node does not answer. */
export function describeTrainer(client: TrainerClient, deadlineMs = DESCRIBE_DEADLINE_MS): Promise<NodeInfo__Output | undefined> {
  return new Promise((resolve) => client.describe({}, { deadline: Date.now() + deadlineMs }, (err, info) => resolve(err ? undefined : info)));
}

/** Why this dispatcher sends a node nothing: another trainer protocol, or another trial contract; undefined when it may. */
export function nodeRefusal(info: NodeInfo__Output): string | undefined {
  return trainerRefusal(info) ?? nodeContractRefusal(info);
}

/**
 * The dispatcher's side of the trainer protocol (libs/proto's protocol.ts): before a leased slot is
 * used, the node is asked (Describe, remembered per address for {@link PROTOCOL_CHECK_EVERY_MS})
 * which protocol it speaks. A node that speaks another is refused: the lease goes back, and the node
 * leaves the pool with the reason, naming both versions, as its error (GET /nodes, the board and the
 * CLI show it) until the probe finds it speaking ours (NodeProber), with one log line.
 */
export class TrainerProtocols {
  private readonly known = new Map<string, { nodeId: string; refusal: string | undefined; at: number }>();

  constructor(
    private readonly clients: TrainerClients,
    private readonly fleet: TrainerFleet,
    private readonly log: Logger,
  ) {}

  /**
   * True when the leased node speaks this dispatcher's protocol, or did not answer (the call itself
   * then finds it unreachable, as before); false when it was refused.
   */
  async accepts(lease: TrainerLease): Promise<boolean> {
    const hit = this.known.get(lease.address);
    let refusal: string | undefined;
    if (hit && hit.nodeId === lease.nodeId && Date.now() - hit.at < PROTOCOL_CHECK_EVERY_MS) {
      refusal = hit.refusal;
    } else {
      const info = await describeTrainer(this.clients.get(lease.address));
      if (!info) return true;
      refusal = info.nodeId === lease.nodeId ? nodeRefusal(info) : undefined;
      this.known.set(lease.address, { nodeId: lease.nodeId, refusal, at: Date.now() });
    }
    if (refusal === undefined) return true;
    await this.refuse(lease.nodeId, refusal);
    return false;
  }

  /** Takes a node out of the pool because it speaks another protocol, saying why once. */
  async refuse(nodeId: string, refusal: string): Promise<void> {
    await this.fleet.markUnreachable(nodeId, refusal).catch(() => undefined);
    this.log.warn({ nodeId }, `trainer refused: ${refusal}`);
  }

  /** Forgets what a node said (the probe found it speaking ours again). */
  forget(address: string): void {
    this.known.delete(address);
  }
}
