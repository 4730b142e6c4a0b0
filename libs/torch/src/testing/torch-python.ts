import { spawnSync } from 'node:child_process';

/** The Python the torch tests use: `$TINYSWEEP_PYTHON`, else Debian's /usr/bin/python3 (python3-torch). */
export const TORCH_PYTHON = process.env.TINYSWEEP_PYTHON || '/usr/bin/python3';

/** Whether `python` can import torch: its version, or why not (for a test's skip reason). */
export function torchAvailability(python = TORCH_PYTHON): { available: true; version: string } | { available: false; reason: string } {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return { available: true, version: r.stdout.trim() };
  const why = r.error ? r.error.message : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`);
  return { available: false, reason: `torch is not importable by ${python} (${why}); install python3-torch and libopenblas0-pthread, or set TINYSWEEP_PYTHON` };
}
