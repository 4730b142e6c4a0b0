/** Test helpers, exported as @tinysweep/torch/testing (for tests and benchmarks that compare devices). */
export { TORCH_PYTHON, torchAvailability } from './torch-python.js';
export { RecordingDevice, firstDivergence, type GreedyCall, type LastLogits, type Divergence } from './recording-device.js';
