/**
 * A cgroup v2 per trial attempt, when this trainer may make them: the launcher joins it before it
 * starts the program, so the program and everything it starts (setsid, double fork and all) are in
 * it, and `cgroup.kill` ends them in one step. Where the trainer may not (cgroup v1 only, or a
 * cgroup it does not own and no delegation), the launcher's subreaper tracking does the same job
 * without the atomicity; both are used when both are there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The cgroup v2 directory this process is in, from /proc/self/mountinfo and /proc/self/cgroup. */
export function ownCgroupDir(): string | undefined {
  if (!existsSync('/proc/self/cgroup')) return undefined;
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'));
  if (!line) return undefined;
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[f.indexOf('-') + 1] === 'cgroup2');
  if (!mount) return undefined;
  // mountinfo: id parent major:minor root mountpoint …; the mount's root is a prefix of our path
  const [root, mountPoint] = [mount[3]!, mount[4]!];
  const path = line.slice(3);
  const rel = root !== '/' && path.startsWith(root) ? path.slice(root.length) : path;
  return join(mountPoint, rel);
}

export class TrialCgroups {
  private seq = 0;

  private constructor(readonly base: string) {}

  /** Per-attempt cgroups under this process's own, or undefined when it may not make them. */
  static async detect(): Promise<TrialCgroups | undefined> {
    const base = ownCgroupDir();
    if (!base) return undefined;
    const probe = join(base, `tinysweep-probe-${process.pid}`);
    try {
      await mkdir(probe);
      await rmdir(probe);
      return new TrialCgroups(base);
    } catch {
      return undefined;
    }
  }

  /** A fresh cgroup for one attempt. */
  async create(): Promise<string> {
    const dir = join(this.base, `tinysweep-${process.pid}-${++this.seq}`);
    await mkdir(dir);
    return dir;
  }

  /** Kills whatever is still in `dir`, waits for it to empty (≤ 2 s), and removes it. Never throws. */
  async remove(dir: string): Promise<void> {
    await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      const events = await readFile(join(dir, 'cgroup.events'), 'utf8').catch(() => 'populated 0');
      if (/populated 0/.test(events)) break;
      await sleep(20);
    }
    await rmdir(dir).catch(() => undefined);
  }
}
