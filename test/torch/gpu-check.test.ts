/**
 * bench/torch/gpu_check.py — the prepared GPU check (run by hand on a GPU machine, see bench/README.md) —
 * at tiny shapes on this machine's CPU, so it cannot rot: it runs, the demo model decodes its golden
 * completions through the worker's code, every part reports, and the last line is its JSON summary.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const torch = torchAvailability();

describe.skipIf(!torch.available)(`bench/torch/gpu_check.py --smoke${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, () => {
  it('runs at tiny shapes and ends with its JSON summary', () => {
    const r = spawnSync(TORCH_PYTHON, [join(ROOT, 'bench', 'torch', 'gpu_check.py'), '--smoke'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      smoke: boolean;
      a: Record<string, unknown>;
      b: { smoke: { es: { tokens_per_s: number; rows: number }; es_without_adapter: { tokens_per_s: number }; grpo_step: { step_seconds: number } } };
      c: { smoke: { skipped?: string; tokens_per_s?: number } };
      d: { smoke: { tokens_per_s: number } };
    };
    expect(summary.smoke).toBe(true);
    expect(summary.a.golden_match).toBe('16/16');
    // bfloat16 against float32: on the GPU where there is one, else on the CPU
    expect(summary.a.cuda_bfloat16_agreement ?? summary.a.cpu_bfloat16_agreement).toBeGreaterThan(0.5);
    expect(summary.b.smoke.es.rows).toBe(16);
    expect(summary.b.smoke.es.tokens_per_s).toBeGreaterThan(0);
    expect(summary.b.smoke.es_without_adapter.tokens_per_s).toBeGreaterThan(0);
    expect(summary.b.smoke.grpo_step.step_seconds).toBeGreaterThan(0);
    expect(summary.c.smoke.skipped ?? summary.c.smoke.tokens_per_s).toBeDefined();
    expect(summary.d.smoke.tokens_per_s).toBeGreaterThan(0);
  }, 320_000);
});
