import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { callerProtocol, callerRefusal, nodeProtocol, TRAINER_PROTOCOL, TRAINER_PROTOCOL_METADATA, trainerRefusal } from './protocol.js';

const stating = (value?: string) => {
  const m = new Metadata();
  if (value !== undefined) m.set(TRAINER_PROTOCOL_METADATA, value);
  return m;
};

describe('trainer protocol', () => {
  it('reads a trainer or caller from before the field as protocol 1', () => {
    expect(nodeProtocol({ protocol: 0 })).toBe(1);
    expect(nodeProtocol({ protocol: TRAINER_PROTOCOL })).toBe(TRAINER_PROTOCOL);
    expect(callerProtocol(stating())).toBe(1);
    expect(callerProtocol(stating('nonsense'))).toBe(1);
    expect(callerProtocol(stating(String(TRAINER_PROTOCOL)))).toBe(TRAINER_PROTOCOL);
  });

  it('refuses either side of another protocol, naming both and what to upgrade', () => {
    expect(trainerRefusal({ protocol: TRAINER_PROTOCOL, nodeId: 'n', version: '1' })).toBeUndefined();
    expect(trainerRefusal({ protocol: 0, nodeId: 'gpu-3', version: '0.1.0' })).toBe(
      `trainer gpu-3 (version 0.1.0) speaks trainer protocol 1; this dispatcher speaks protocol ${TRAINER_PROTOCOL}: upgrade the trainer`,
    );
    expect(trainerRefusal({ protocol: TRAINER_PROTOCOL + 1, nodeId: 'n', version: '' })).toMatch(/version unknown.*upgrade the dispatcher$/);
    expect(callerRefusal(stating(String(TRAINER_PROTOCOL)), { nodeId: 'n', version: '1' })).toBeUndefined();
    expect(callerRefusal(stating(), { nodeId: 'n', version: '1' })).toMatch(/the caller speaks protocol 1: upgrade the dispatcher$/);
    expect(callerRefusal(stating(String(TRAINER_PROTOCOL + 1)), { nodeId: 'n', version: '1' })).toMatch(/upgrade the trainer$/);
  });
});
