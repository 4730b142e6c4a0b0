import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { ApiConfig } from '../config/api.config.js';
import { hostName, isLoopbackName, type RequestPolicy } from './request-checks.js';

/** Comma-separated list → trimmed, non-empty items. */
export function csv(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** Whether the API's bind address is reachable only from this machine. */
export function isLoopbackBind(host: string): boolean {
  return !WILDCARDS.has(host) && isLoopbackName(hostName(host));
}

/**
 * The Host names the API answers to: loopback names always; the address it listens on; when that is
 * a wildcard, this machine's name and every local address (so peers reaching it by address or by
 * name work out of the box); and TINYSWEEP_API_HOSTS ("*": any).
 */
export function requestPolicy(
  config: Pick<ApiConfig, 'TINYSWEEP_API_HOST' | 'TINYSWEEP_API_HOSTS' | 'TINYSWEEP_API_ORIGINS'>,
  read: () => { hostname: string; addresses: string[] } = localMachine,
): RequestPolicy {
  const machine = read();
  const extra = csv(config.TINYSWEEP_API_HOSTS).map((h) => (h === '*' ? h : hostName(h)));
  const origins = new Set(
    csv(config.TINYSWEEP_API_ORIGINS).map((o) => {
      try {
        return new URL(o).origin;
      } catch {
        throw new Error(`TINYSWEEP_API_ORIGINS: "${o}" is not an origin such as https://board.example.com`);
      }
    }),
  );
  if (extra.includes('*')) return { hosts: '*', origins };
  const hosts = new Set<string>(extra);
  if (WILDCARDS.has(config.TINYSWEEP_API_HOST)) {
    hosts.add(machine.hostname.toLowerCase());
    for (const a of machine.addresses) hosts.add(a.toLowerCase());
    return { hosts, origins, localAddresses: liveAddresses(read) };
  }
  hosts.add(hostName(config.TINYSWEEP_API_HOST));
  return { hosts, origins };
}

/**
 * The machine's addresses, read again at most once a second: a link that was down when the API
 * started (a network namespace's veth, a VPN, an address from DHCP) must not be refused forever.
 */
function liveAddresses(read: () => { addresses: string[] }): () => ReadonlySet<string> {
  let at = 0;
  let addresses: ReadonlySet<string> = new Set();
  return () => {
    if (Date.now() - at > 1000) {
      at = Date.now();
      addresses = new Set(read().addresses.map((a) => a.toLowerCase()));
    }
    return addresses;
  };
}

function localMachine(): { hostname: string; addresses: string[] } {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, ''));
  return { hostname: osHostname(), addresses };
}
