/**
 * A separate "host" for cross-host tests: a Linux network namespace joined to this one by a veth
 * pair, with its own address. Processes started with `exec()` run inside it and reach the control
 * plane through the gateway address; cutting the link (`down()`) is a network partition — packets
 * are dropped, no connection is reset — as when a cable or a switch fails.
 *
 * Needs root and iproute2 (`ip`). Only addresses of our own namespaces are used (10.231.0.0/16),
 * each host a /24 no other link on this machine has: two test runs at once (two checkouts) must not
 * route each other's hosts.
 */
import { execFileSync } from 'node:child_process';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function canMakeHosts(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class NetHost {
  readonly ns: string;
  /** The namespace's address. */
  readonly address: string;
  /** This (root) namespace's address on the link: what the host dials to reach the control plane. */
  readonly gateway: string;
  private readonly outside: string;
  private readonly inside: string;

  private constructor(readonly name: string, index: number, subnet: number) {
    const tag = `${process.pid % 10_000}${index}`;
    this.ns = `ts${tag}`;
    this.outside = `tsv${tag}a`;
    this.inside = `tsv${tag}b`;
    this.address = `10.231.${subnet}.2`;
    this.gateway = `10.231.${subnet}.1`;
  }

  /** A 10.231.N.0/24 no interface here uses, starting from one this process's pid picks. */
  private static freeSubnet(index: number): number {
    const used = new Set([...execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).matchAll(/ 10\.231\.(\d+)\./g)].map((m) => Number(m[1])));
    const start = (process.pid * 7 + index * 31) % 250;
    for (let i = 0; i < 250; i++) {
      const n = ((start + i) % 250) + 1;
      if (!used.has(n)) return n;
    }
    throw new Error('no free 10.231.N.0/24 subnet for a test host');
  }

  static create(name: string, index: number): NetHost {
    const h = new NetHost(name, index, NetHost.freeSubnet(index));
    const inside = h.inside;
    h.destroy(); // a leftover from a killed run
    ip('netns', 'add', h.ns);
    ip('link', 'add', h.outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', h.ns);
    ip('addr', 'add', `${h.gateway}/24`, 'dev', h.outside);
    ip('link', 'set', h.outside, 'up');
    ip('netns', 'exec', h.ns, 'ip', 'addr', 'add', `${h.address}/24`, 'dev', inside);
    ip('netns', 'exec', h.ns, 'ip', 'link', 'set', inside, 'up');
    ip('netns', 'exec', h.ns, 'ip', 'link', 'set', 'lo', 'up');
    return h;
  }

  /** argv that runs `command` inside this host. */
  exec(command: string, ...args: string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.ns, command, ...args] };
  }

  /** Partition: the link goes down, traffic is dropped silently. */
  down(): void {
    ip('link', 'set', this.outside, 'down');
  }

  up(): void {
    ip('link', 'set', this.outside, 'up');
  }

  /**
   * One-way partition: packets towards this host are dropped (a `blackhole` queueing discipline on
   * our end of the link), while its own still arrive. TCP needs both ways, so its connections stall —
   * but unlike a link down, the far side keeps sending (heartbeats arrive, their answers do not).
   */
  dropInbound(): void {
    execFileSync('tc', ['qdisc', 'replace', 'dev', this.outside, 'root', 'blackhole'], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** One-way partition the other way: what this host sends is dropped (inside its namespace). */
  dropOutbound(): void {
    ip('netns', 'exec', this.ns, 'tc', 'qdisc', 'replace', 'dev', this.inside, 'root', 'blackhole');
  }

  /** Ends every partition: the link up, no queueing discipline dropping packets either way. */
  heal(): void {
    for (const args of [['qdisc', 'del', 'dev', this.outside, 'root'], ['netns', 'exec', this.ns, 'tc', 'qdisc', 'del', 'dev', this.inside, 'root']]) {
      try {
        if (args[0] === 'netns') ip(...args);
        else execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch {
        // none there
      }
    }
    this.up();
  }

  /** Whether one-way partitions can be made here (`tc` with the blackhole queueing discipline). */
  static canDropOneWay(): boolean {
    try {
      execFileSync('tc', ['qdisc', 'show', 'dev', 'lo'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  destroy(): void {
    try {
      ip('netns', 'del', this.ns);
    } catch {
      // not there
    }
    try {
      ip('link', 'del', this.outside);
    } catch {
      // went with the namespace
    }
  }
}
