import { describe, expect, it } from 'vitest';
import { fromRedisNode, toRedisNode } from './redis-node.js';
import { TrainerNodeInfoSchema } from './trainer-node-schema.js';

const beat = { id: 'n1', address: '10.0.0.7:50051', device: 'torch:cuda', slots: 2, backends: ['tinylora'] };

describe('TrainerNodeInfoSchema: the heartbeat body, checked where it enters', () => {
  it("fills in what an old trainer's heartbeat leaves out", () => {
    expect(TrainerNodeInfoSchema.parse(beat)).toEqual({ ...beat, running: 0, models: [], version: '' });
  });

  it('refuses unknown fields and out-of-range values, naming the field', () => {
    const extra = TrainerNodeInfoSchema.safeParse({ ...beat, colour: 'red' });
    expect(extra.success).toBe(false);
    const slots = TrainerNodeInfoSchema.safeParse({ ...beat, slots: 0 });
    expect(slots.error?.issues[0]?.path).toEqual(['slots']);
  });

  it('round-trips through the Redis form, which keeps only the shape', () => {
    const node = { ...TrainerNodeInfoSchema.parse({ ...beat, gpus: [{ index: 0, name: 'H100', memoryMiB: 81559 }] }), stray: 1 };
    expect(fromRedisNode(toRedisNode(node), 42)).toEqual({ ...beat, running: 0, models: [], version: '', gpus: node.gpus, lastHeartbeatAt: 42 });
  });
});
