import type { TrainerFleet } from '@tinysweep/fleet';
import type { TrainerClients } from '@tinysweep/proto';
import type { Logger } from 'pino';
import { describeTrainer, nodeRefusal, type TrainerProtocols } from './trainer-protocols.js';

/** How long a probe waits for a trainer's Describe. */
const PROBE_DEADLINE_MS = 5000;

/**
 * Brings back trainers marked unreachable once a dispatcher can dial them again. Heartbeats reach
 * the API, not the dispatchers: a node with a wrong advertised address or a certificate from another
 * CA heartbeats as well as a healthy one, so only a successful dial — a Describe that answers with
 * the node's own id — clears the mark; and only one that speaks this dispatcher's trainer protocol (a
 * node refused for its protocol comes back once upgraded).
 */
export class NodeProber {
  private timer?: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly fleet: TrainerFleet,
    private readonly clients: TrainerClients,
    private readonly log: Logger,
    private readonly protocols?: TrainerProtocols,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.probeOnce(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Dials every heartbeating node marked unreachable; returns the ids that answered (and were cleared). */
  async probeOnce(): Promise<string[]> {
    if (this.probing) return [];
    this.probing = true;
    try {
      const marked = await this.fleet.unreachableNodes();
      const back = await Promise.all(marked.map(async (n) => ((await this.answers(n.address, n.id)) ? n : undefined)));
      const nodes = back.filter((n) => n !== undefined);
      for (const n of nodes) {
        this.protocols?.forget(n.address);
        await this.fleet.markReachable(n.id);
        this.log.info({ nodeId: n.id }, 'trainer reachable again');
      }
      return nodes.map((n) => n.id);
    } catch {
      return []; // Redis away: next time
    } finally {
      this.probing = false;
    }
  }

  private async answers(address: string, nodeId: string): Promise<boolean> {
    const info = await describeTrainer(this.clients.get(address), PROBE_DEADLINE_MS);
    if (!info) this.clients.forget(address); // dial afresh next time (a channel in backoff answers nothing)
    if (info?.nodeId !== nodeId) return false;
    const refusal = nodeRefusal(info);
    // Still another protocol: it stays out, with why (also where the mark was set for a lost connection).
    if (refusal !== undefined) await this.fleet.markUnreachable(nodeId, refusal);
    return refusal === undefined;
  }
}
