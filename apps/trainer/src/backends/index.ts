import { BackendRegistry, defaultBackendRegistry, registerBackend } from './backend.js';
import { CommandBackend, type CommandBackendOptions } from './command/command-backend.js';
import { TinyLoraBackend, type TinyLoraBackendOptions } from './tinylora/tinylora-backend.js';

export * from './backend.js';
export * from './train-abort.js';
export * from './run-request.js';
export * from './fingerprint.js';
export * from './generate-request-error.js';
export * from './command/index.js';
export * from './tinylora/index.js';

/** Options of the built-in backends, by backend name. */
export interface BuiltInBackendOptions {
  command?: CommandBackendOptions;
  tinylora?: TinyLoraBackendOptions;
}

/**
 * A registry of the built-in backends configured for one node — what main.ts serves: tinylora with
 * the node's device and threads, and command only when the node allows programs (`opts.command`).
 */
export function builtInBackends(opts: BuiltInBackendOptions = {}): BackendRegistry {
  const registry = new BackendRegistry();
  if (opts.command) registry.register(new CommandBackend(opts.command));
  else registry.refuse('command', COMMAND_OFF);
  registry.register(new TinyLoraBackend(opts.tinylora));
  return registry;
}

/** Why a trainer without --allow-command refuses command trials. */
export const COMMAND_OFF = 'the command backend is off on this trainer (it runs programs only when started with --allow-command <programs>)';

// Built-in backends, registered once per process (like a PEFT method's __init__) with default
// options (tinylora on the CPU; no command backend, which runs programs only when a node allows
// them); a configured node passes builtInBackends(...) to its server instead.
defaultBackendRegistry.refuse('command', COMMAND_OFF);
registerBackend(new TinyLoraBackend());
