import { describe, expect, it } from 'vitest';
import { discoverGpus, parseNvidiaSmiCsv, selectGpus } from './gpus.js';
import { fakeNvidiaSmi } from './testing/fake-nvidia-smi.js';

// What `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits` prints on a 2-GPU node.
const TWO_H100 = '0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n';

describe('GPU discovery', () => {
  it('reads nvidia-smi CSV: index, name (commas allowed), total memory in MiB', () => {
    expect(discoverGpus(fakeNvidiaSmi(TWO_H100))).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
    ]);
    expect(parseNvidiaSmiCsv('3, Tesla V100-SXM2-16GB, rev, 16160')).toEqual([{ index: 3, name: 'Tesla V100-SXM2-16GB, rev', memoryMiB: 16160 }]);
    expect(parseNvidiaSmiCsv('')).toEqual([]);
    expect(() => parseNvidiaSmiCsv('No devices were found')).toThrow(/cannot read the line "No devices were found"/);
  });

  it('names nvidia-smi when it cannot run', () => {
    expect(() => discoverGpus(fakeNvidiaSmi(new Error('spawnSync nvidia-smi ENOENT')))).toThrow(/nvidia-smi failed \(spawnSync nvidia-smi ENOENT\)/);
  });

  it('--gpus all takes every GPU; a list takes those, checked against what is there', () => {
    const gpus = discoverGpus(fakeNvidiaSmi(TWO_H100));
    expect(selectGpus('all', gpus).map((g) => g.index)).toEqual([0, 1]);
    expect(selectGpus('1', gpus).map((g) => g.index)).toEqual([1]);
    expect(() => selectGpus('0,2', gpus)).toThrow(/GPU 2 is not on this node \(nvidia-smi lists 0, 1\)/);
    expect(() => selectGpus('0,0', gpus)).toThrow(/lists GPU 0 twice/);
    expect(() => selectGpus('first', gpus)).toThrow(/must be all or a comma-separated list/);
    expect(() => selectGpus('all', [])).toThrow(/no GPU/);
  });
});
