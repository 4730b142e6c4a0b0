import type { TrainerFleet } from '@tinysweep/fleet';
import type { TrainerClients } from '@tinysweep/proto';
import type { Logger } from 'pino';

/** How long a probe waits for a trainer's Describe. */
const PROBE_DEADLINE_MS = 5000;

/**
 * Brings back trainers marked unreachable once a dispatcher can dial them again. Heartbeats reach
 * the API, not the dispatchers: a node with a wrong advertised address or a certificate from another
 * CA heartbeats as well as a healthy one, so only a successful dial — a Describe that answers with
 * the node's own id — clears the mark.
 */
export class NodeProber {
  private timer?: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly fleet: TrainerFleet,
    private readonly clients: TrainerClients,
    private readonly log: Logger,
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
      const back = await Promise.all(marked.map(async (n) => ((await this.answers(n.address, n.id)) ? n.id : undefined)));
      const ids = back.filter((id): id is string => id !== undefined);
      for (const id of ids) {
        await this.fleet.markReachable(id);
        this.log.info({ nodeId: id }, 'trainer reachable again');
      }
      return ids;
    } catch {
      return []; // Redis away: next time
    } finally {
      this.probing = false;
    }
  }

  private answers(address: string, nodeId: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.clients.get(address).describe({}, { deadline: Date.now() + PROBE_DEADLINE_MS }, (err, info) => {
        if (err) this.clients.forget(address); // dial afresh next time (a channel in backoff answers nothing)
        resolve(!err && info?.nodeId === nodeId);
      });
    });
  }
}
