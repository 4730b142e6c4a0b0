import { registerBackend } from './backend.js';
import { CommandBackend } from './command/command-backend.js';

export * from './backend.js';
export * from './train-abort.js';
export * from './command/index.js';

// Built-in backends, registered once per process (like a PEFT method's __init__). A new backend
// (tinylora) adds its registerBackend() call here.
registerBackend(new CommandBackend());
