/**
 * @tinysweep/torch — the torch device: libs/engine's PolicyDevice over a long-lived PyTorch worker
 * process (python/worker.py, python/decoder.py), spoken to in binary frames over stdio.
 *
 * Left out on purpose: nothing (frames.ts is exported for tests of the protocol).
 */
export * from './frames.js';
export * from './errors/torch-worker-error.js';
export * from './torch-worker.js';
export * from './torch-device.js';
