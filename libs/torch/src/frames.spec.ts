import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './frames.js';

describe('frames', () => {
  it('round-trips a header and typed tensors, whatever the chunking of the stream', () => {
    const ids = Int32Array.of(1, 2, 3, 4, 5, 6);
    const v = Float32Array.of(0.5, -1.25, 3e-8);
    const lp = Float64Array.of(-1.5, -0.000001);
    const bytes = Buffer.concat([
      encodeFrame({ id: 1, op: 'generate', max_new_tokens: 24 }, [
        { name: 'ids', data: ids, shape: [2, 3] },
        { name: 'v', data: v, shape: [3] },
      ]),
      encodeFrame({ id: 2, ok: true }, [{ name: 'logprobs', data: lp, shape: [2] }]),
      encodeFrame({ id: 3, ok: true }),
    ]);
    for (const size of [1, 7, bytes.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let i = 0; i < bytes.length; i += size) frames.push(...reader.push(bytes.subarray(i, i + size)));
      expect(frames.map((f) => f.header)).toEqual([{ id: 1, op: 'generate', max_new_tokens: 24 }, { id: 2, ok: true }, { id: 3, ok: true }]);
      expect(frames[0]!.tensors.get('ids')).toEqual({ name: 'ids', data: ids, shape: [2, 3] });
      expect(frames[0]!.tensors.get('v')!.data).toEqual(v);
      expect(frames[1]!.tensors.get('logprobs')!.data).toEqual(lp);
      expect(frames[2]!.tensors.size).toBe(0);
    }
  });

  it('refuses a tensor whose data does not fill its shape, naming it', () => {
    expect(() => encodeFrame({ op: 'x' }, [{ name: 'ids', data: Int32Array.of(1, 2), shape: [3] }])).toThrow(/tensor ids: 2 values do not fill shape \[3\]/);
  });
});
