import { BackendRegistry, registerBackend } from './backend.js';
import { CommandBackend, type CommandBackendOptions } from './command/command-backend.js';
import { TinyLoraBackend, type TinyLoraBackendOptions } from './tinylora/tinylora-backend.js';

export * from './backend.js';
export * from './train-abort.js';
export * from './train-mode.js';
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
 * A registry of the built-in backends (command, tinylora) configured for one node — what main.ts
 * serves, with the node's device and threads.
 */
export function builtInBackends(opts: BuiltInBackendOptions = {}): BackendRegistry {
  const registry = new BackendRegistry();
  registry.register(new CommandBackend(opts.command));
  registry.register(new TinyLoraBackend(opts.tinylora));
  return registry;
}

// Built-in backends, registered once per process (like a PEFT method's __init__) with default
// options (tinylora on the CPU); a configured node passes builtInBackends(...) to its server instead.
registerBackend(new CommandBackend());
registerBackend(new TinyLoraBackend());
