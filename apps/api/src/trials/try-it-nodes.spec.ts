import { describe, expect, it } from 'vitest';
import { trainerNode } from '../testing/trainer-node.js';
import { tryItNodes } from './try-it-nodes.js';

const node = trainerNode;

describe('tryItNodes', () => {
  it('keeps live nodes with the backend, the one that trained the trial first, then the least busy', () => {
    const nodes = [
      node('a', { busy: 2 }),
      node('b', { busy: 1 }),
      node('c', { alive: false }),
      node('d', { backends: ['command'] }),
      node('e', { busy: 2 }),
      node('f', { busy: 0, slots: 4 }),
    ];
    expect(tryItNodes(nodes, 'tinylora', 'e').map((n) => n.id)).toEqual(['e', 'f', 'b', 'a']);
    expect(tryItNodes(nodes, 'tinylora', null).map((n) => n.id)).toEqual(['f', 'b', 'a', 'e']);
    expect(tryItNodes(nodes, 'tinylora', 'c').map((n) => n.id)).toEqual(['f', 'b', 'a', 'e']); // a dead trainer is no candidate
    expect(tryItNodes([], 'tinylora', null)).toEqual([]);
  });
});
