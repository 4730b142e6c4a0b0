import { readdirSync, readFileSync } from 'node:fs';

/**
 * A spawned program runs as the leader of its own process group (`detached: true`), so one signal
 * to `-pid` reaches it and every descendant that did not start its own session. Descendants that
 * call setsid() (daemonise) escape; containers/cgroups are the tool for those.
 */

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Sends `signal` to the whole group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left
  }
}

/**
 * Whether the group still has a live (non-zombie) member. On Linux it reads /proc, because an
 * orphan reparented to an init that does not reap (common in containers) stays a zombie, and a
 * group of zombies still accepts signals.
 */
export function groupAlive(pgid: number): boolean {
  if (!HAS_PROC) return signalGroup(pgid, 0);
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ..." — comm may hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Whether a single process is alive (zombies count as dead). */
export function processAlive(pid: number): boolean {
  if (HAS_PROC) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process group: SIGTERM to all of it, then SIGKILL to whatever is still alive after
 * `graceMs`. Resolves once the group is empty (or about a second after the SIGKILL).
 */
export async function killGroup(pgid: number, graceMs: number, pollMs = 50): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
    if (!groupAlive(pgid)) return;
  }
  if (!signalGroup(pgid, 'SIGKILL')) return;
  // SIGKILL cannot be ignored, but dying takes a moment; wait briefly so callers see an empty group
  for (let i = 0; i < 20 && groupAlive(pgid); i++) await sleep(pollMs);
}
