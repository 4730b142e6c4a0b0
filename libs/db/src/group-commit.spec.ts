import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('writes one alone at once, and what arrives meanwhile together, never one key twice in a batch', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    let gate: Promise<void> = new Promise((r) => (release = r));
    const g = new GroupCommit<string, string>(async (items) => {
      batches.push(items);
      await gate;
      return items.map((i) => i.toUpperCase());
    }, (i) => i[0]!);
    const first = g.submit('a1');
    const rest = ['b1', 'c1', 'b2', 'd1'].map((i) => g.submit(i));
    expect(batches).toEqual([['a1']]); // went at once
    const gated = gate;
    gate = Promise.resolve();
    release();
    await gated;
    expect(await Promise.all([first, ...rest])).toEqual(['A1', 'B1', 'C1', 'B2', 'D1']);
    expect(batches).toEqual([['a1'], ['b1', 'c1', 'd1'], ['b2']]);
  });

  it('fails only the items that cause an error it may isolate, and the whole batch for any other', async () => {
    let calls = 0;
    const g = new GroupCommit<number, number>(async (items) => {
      calls++;
      await Promise.resolve();
      if (items.includes(13)) throw new Error('refused');
      if (items.includes(99)) throw new Error('down');
      return items.map((i) => i * 2);
    }, String, { alone: (err) => (err as Error).message === 'refused' });
    const hold = g.submit(0); // in flight while the next three queue up
    const r = await Promise.allSettled([g.submit(1), g.submit(13), g.submit(2)]);
    await hold;
    expect(r.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([2, 'refused', 4]);
    const hold2 = g.submit(4);
    const down = await Promise.allSettled([g.submit(3), g.submit(99)]); // one batch behind 4
    await hold2;
    expect(down.every((x) => x.status === 'rejected')).toBe(true);
    expect(calls).toBeGreaterThan(3);
  });
});
