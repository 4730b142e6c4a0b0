import { describe, expect, it } from 'vitest';
import { BackendRegistry, getBackend, type TrainerBackend } from './backend.js';
import './index.js';

const fake = (name: string): TrainerBackend => ({ name, run: async () => ({ ok: true }) });

describe('BackendRegistry', () => {
  it('registers, lists and finds backends', () => {
    const registry = new BackendRegistry();
    registry.register(fake('zeta'));
    registry.register(fake('alpha'));
    expect(registry.names()).toEqual(['alpha', 'zeta']);
    expect(registry.get('zeta').name).toBe('zeta');
    expect(registry.has('beta')).toBe(false);
  });

  it('throws on duplicate, unknown and malformed names', () => {
    const registry = new BackendRegistry();
    registry.register(fake('command'));
    expect(() => registry.register(fake('command'))).toThrow('backend "command" is already registered');
    expect(() => registry.get('tinylora')).toThrow('unknown backend "tinylora" (registered: command)');
    expect(() => registry.register(fake('Bad Name'))).toThrow(/lowercase/);
  });

  it('has tinylora built in, and refuses command until a node allows programs', () => {
    expect(getBackend('tinylora').name).toBe('tinylora');
    expect(() => getBackend('command')).toThrow(/the command backend is off on this trainer.*--allow-command/);
  });
});
