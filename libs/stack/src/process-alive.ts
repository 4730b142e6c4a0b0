import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a live process. A zombie counts as dead: in containers whose init does not
 * reap orphans, a killed process lingers as a zombie that still answers signal 0.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
