import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import type { AdamState } from './interfaces/optimizer-state.js';

describe('Adam', () => {
  const grads = Array.from({ length: 8 }, (_, k) => [Math.sin(k + 1), Math.cos(3 * k) * 0.1, (k % 3) - 1]);

  it('resumes from state() through JSON bit for bit (a GRPO checkpoint)', () => {
    const whole = new Adam({ dim: 3, lr: 0.05 });
    for (const g of grads) whole.step(g);
    const first = new Adam({ dim: 3, lr: 0.05 });
    for (const g of grads.slice(0, 5)) first.step(g);
    const resumed = new Adam({ dim: 3, lr: 0.05 });
    resumed.restore(JSON.parse(JSON.stringify(first.state())) as AdamState);
    for (const g of grads.slice(5)) resumed.step(g);
    expect(resumed.t).toBe(8);
    expect(Array.from(resumed.mean)).toEqual(Array.from(whole.mean));
    expect(resumed.state()).toEqual(whole.state());
  });

  it('refuses a state of another kind or size, naming what differs', () => {
    const adam = new Adam({ dim: 3 });
    expect(() => adam.restore({ ...adam.state(), dim: 4 })).toThrow(/dim 4 into an optimizer of dim 3/);
    expect(() => adam.restore({ ...adam.state(), kind: 'es' } as unknown as AdamState)).toThrow(/cannot restore a es state into adam/);
    expect(() => adam.restore({ ...adam.state(), adamV: [1, Number.NaN, 0] })).toThrow(/state.adamV must hold finite numbers/);
  });
});
