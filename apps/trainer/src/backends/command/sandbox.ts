/**
 * How `command` programs are confined (see sandbox/launch.py, which does it, and SECURITY.md):
 * whose uid they run as, their limits, where they may write, which TCP ports they may connect to,
 * whether Landlock is required, and the Python that runs the launcher.
 */
import { isInside } from '@tinysweep/spec';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COMMAND_LIMITS, type CommandLimits } from './command-limits.js';

/** apps/trainer/{src,dist}/backends/command → apps/trainer/sandbox/launch.py */
export const LAUNCHER = fileURLToPath(new URL('../../../sandbox/launch.py', import.meta.url));

export interface CommandUser {
  name: string;
  uid: number;
  gid: number;
}

export interface SandboxOptions {
  /** The user programs run as; undefined: the trainer's own. */
  user?: CommandUser;
  limits: CommandLimits;
  /** Directories programs may write beneath besides their trial directory (e.g. /dev/shm). */
  writeDirs: readonly string[];
  /** TCP ports programs may connect to; 'any' leaves connections alone. */
  connectPorts: readonly number[] | 'any';
  /** 'required': refuse to run programs without Landlock (write confinement); 'off': run them without it. */
  landlock: 'required' | 'off';
  /** Put each attempt in a cgroup v2 of its own when the trainer may make one ('off': never). */
  cgroup: 'auto' | 'off';
  /** The python3 that runs the launcher. */
  python: string;
}

/** Files any program may write to, whatever else is closed. */
export const WRITABLE_DEVICES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/tty'];

/** The python3 for the launcher: /usr/bin/python3 if present, else the first on PATH. */
export function findPython(): string {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

/** A user by name (from /etc/passwd) or as `uid:gid`; throws when unknown. */
export function lookupUser(spec: string, passwd = '/etc/passwd'): CommandUser {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) return { name: spec, uid: Number(numeric[1]), gid: Number(numeric[2] ?? numeric[1]) };
  const line = (existsSync(passwd) ? readFileSync(passwd, 'utf8') : '').split('\n').find((l) => l.split(':')[0] === spec);
  const f = line?.split(':');
  if (!f || f.length < 4) throw new Error(`--command-user: no user "${spec}" in ${passwd}`);
  return { name: spec, uid: Number(f[2]), gid: Number(f[3]) };
}

export const DEFAULT_CONNECT_PORTS = [80, 443];

/**
 * The defaults: as `nobody` when the trainer is root (never run others' code as root), else as the
 * trainer's own user; Landlock required; TCP connections to ports 80 and 443 only.
 */
export function defaultSandbox(): SandboxOptions {
  return {
    user: process.getuid?.() === 0 ? lookupUser('nobody') : undefined,
    limits: DEFAULT_COMMAND_LIMITS,
    writeDirs: [],
    connectPorts: DEFAULT_CONNECT_PORTS,
    landlock: 'required',
    cgroup: 'auto',
    python: findPython(),
  };
}

/** Whether `user` has all of `bits` (4 read, 2 write, 1 enter) on `path`, by its mode bits. */
export function userMay(path: string, user: CommandUser, bits: number): boolean {
  const s = statSync(path);
  const shift = s.uid === user.uid ? 6 : s.gid === user.gid ? 3 : 0;
  return ((s.mode >> shift) & bits) === bits;
}

/** The outermost directory above `path` that `user` cannot enter (a private home), if any. */
export function blockedAncestor(path: string, user: CommandUser): string | undefined {
  const above: string[] = [];
  for (let p = dirname(resolve(path)); ; p = dirname(p)) {
    above.unshift(p);
    if (dirname(p) === p) break;
  }
  return above.find((p) => !userMay(p, user, 1));
}

/**
 * Throws when `user` cannot enter and read `dir` (by its mode bits along the path): programs run as
 * that user in the trainer's workdir, so a workdir under a private home would fail every trial.
 */
export function assertUserCanRead(dir: string, user: CommandUser): void {
  const p = resolve(dir);
  if (!userMay(p, user, 5)) throw new Error(`programs run as ${user.name} (--command-user), who cannot read ${p}; make it readable (chmod o+rx) or pick another --command-user`);
  const blocked = blockedAncestor(p, user);
  if (blocked) throw new Error(`programs run as ${user.name} (--command-user), who cannot enter ${blocked}; make it passable (chmod o+x) or pick another --command-user`);
}

/**
 * A private view of the file system for one program (sandbox/launch.py builds it in a mount
 * namespace of its own): each `hide` directory, one its user cannot enter (root's mode-700 home),
 * is covered by an empty tmpfs in which only the `reveal` directories beneath it are bound back.
 * So a trainer cloned under /root still runs programs as `nobody`, and they see the workdir, the
 * data roots and their own directory, but not the rest of the home (the local stack's API token).
 * The mode bits of the revealed directories themselves still apply.
 */
export interface PrivateView {
  hide: string[];
  reveal: string[];
}

/** The view that lets `user` reach each of `paths`, or undefined when it reaches them already. */
export function privateView(paths: readonly string[], user: CommandUser): PrivateView | undefined {
  const hide = new Set<string>();
  const reveal: string[] = [];
  for (const path of new Set(paths.map((p) => resolve(p)))) {
    const blocked = blockedAncestor(path, user);
    if (!blocked) continue;
    hide.add(blocked);
    reveal.push(path);
  }
  if (hide.size === 0) return undefined;
  // a hidden directory inside another is covered by the outer one's tmpfs already
  const outer = [...hide].filter((h) => ![...hide].some((o) => o !== h && isInside(h, o)));
  // a revealed directory inside another revealed one comes with it
  const shown = reveal.filter((r) => !reveal.some((o) => o !== r && isInside(r, o)));
  return { hide: outer.sort(), reveal: shown.sort() };
}

/**
 * What the launcher finds on this machine: the Landlock ABI (0: none) and whether it may make a
 * mount namespace (root, not forbidden by a container) for a {@link PrivateView}. Throws when
 * python3 cannot run it.
 */
export function probeSandbox(python: string): { landlock: number; mountns: boolean } {
  let out: string;
  try {
    out = execFileSync(python, ['-I', '-S', LAUNCHER, '--probe'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`the command sandbox needs python3 (${python}): ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const probe = JSON.parse(out) as { landlock: number; mountns?: boolean };
  return { landlock: probe.landlock, mountns: probe.mountns === true };
}
