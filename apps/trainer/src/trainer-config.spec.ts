import { describe, expect, it } from 'vitest';
import { loadTrainerConfig } from './trainer-config.js';

describe('loadTrainerConfig', () => {
  it('applies defaults', () => {
    expect(loadTrainerConfig({}, [])).toMatchObject({
      host: '127.0.0.1',
      port: 50051,
      slots: 1,
      device: 'cpu',
      models: [],
      heartbeatMs: 2000,
      drainMs: 0,
      advertise: undefined,
      apiUrl: undefined,
      token: undefined,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      TINYSWEEP_TRAINER_PORT: '0',
      TINYSWEEP_TRAINER_HOST: '0.0.0.0',
      TINYSWEEP_TRAINER_ADVERTISE: 'gpu-1:50051',
      TINYSWEEP_TRAINER_ID: 'gpu-1',
      TINYSWEEP_TRAINER_SLOTS: '4',
      TINYSWEEP_TRAINER_DEVICE: 'cuda:0',
      TINYSWEEP_TRAINER_MODELS: 'models/a, models/b',
      TINYSWEEP_API_URL: 'http://127.0.0.1:4100',
      TINYSWEEP_TRAINER_TOKEN: 'tt',
      TINYSWEEP_API_TOKEN: 'at',
      TINYSWEEP_HEARTBEAT_MS: '500',
      TINYSWEEP_WORKDIR: '/srv/experiments',
    };
    expect(loadTrainerConfig(env, ['--slots', '2', '--device=cuda:1'])).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      advertise: 'gpu-1:50051',
      nodeId: 'gpu-1',
      slots: 2,
      device: 'cuda:1',
      models: ['models/a', 'models/b'],
      apiUrl: 'http://127.0.0.1:4100',
      token: 'tt',
      apiToken: 'at',
      heartbeatMs: 500,
      workdir: '/srv/experiments',
    });
  });

  it('reads the torch device settings: GPUs, dtype, Python', () => {
    expect(loadTrainerConfig({}, [])).toMatchObject({ dtype: 'float32', gpus: undefined, python: undefined, slotsGiven: false });
    expect(loadTrainerConfig({ TINYSWEEP_PYTHON: '/usr/bin/python3' }, ['--device', 'torch:cuda', '--gpus', 'all', '--dtype', 'bfloat16'])).toMatchObject({
      device: 'torch:cuda',
      gpus: 'all',
      dtype: 'bfloat16',
      python: '/usr/bin/python3',
    });
    expect(loadTrainerConfig({ TINYSWEEP_TRAINER_SLOTS: '2' }, []).slotsGiven).toBe(true);
    expect(() => loadTrainerConfig({}, ['--dtype', 'fp8'])).toThrow(/--dtype must be float32, bfloat16 or float16, got "fp8"/);
  });

  it('names the bad variable or flag', () => {
    expect(() => loadTrainerConfig({ TINYSWEEP_TRAINER_SLOTS: '0' }, [])).toThrow(/TINYSWEEP_TRAINER_SLOTS/);
    expect(() => loadTrainerConfig({}, ['--port', '70000'])).toThrow(/--port/);
    expect(() => loadTrainerConfig({ TINYSWEEP_API_URL: 'nope' }, [])).toThrow(/TINYSWEEP_API_URL/);
    expect(() => loadTrainerConfig({}, ['--bogus', '1'])).toThrow(/bogus/);
    expect(loadTrainerConfig({}, ['--help'])).toEqual({ help: true });
  });
});
