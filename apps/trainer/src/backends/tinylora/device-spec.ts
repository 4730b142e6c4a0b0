/**
 * The `--device` a trainer runs the tinylora backend on, parsed once:
 *
 *   cpu | cuda | cuda:N              ONNX Runtime in the trainer process (CPU, or the CUDA execution provider)
 *   torch | torch:cpu                a PyTorch worker process per slot, on the CPU
 *   torch:cuda | torch:cuda:N        a PyTorch worker per slot on a GPU (with --gpus: slot i on the i-th GPU listed)
 */

export type DeviceSpec =
  | { runtime: 'onnxruntime'; executionProvider: 'cpu' | 'cuda' }
  | { runtime: 'torch'; kind: 'cpu' }
  | { runtime: 'torch'; kind: 'cuda'; gpu: number };

const FORMS = 'cpu, cuda, cuda:N, torch, torch:cpu, torch:cuda or torch:cuda:N';

/** Throws an Error naming the accepted forms on anything else. */
export function parseDevice(device: string): DeviceSpec {
  if (device === 'cpu') return { runtime: 'onnxruntime', executionProvider: 'cpu' };
  if (/^cuda(:\d+)?$/.test(device)) return { runtime: 'onnxruntime', executionProvider: 'cuda' };
  if (device === 'torch' || device === 'torch:cpu') return { runtime: 'torch', kind: 'cpu' };
  const cuda = /^torch:cuda(?::(\d+))?$/.exec(device);
  if (cuda) return { runtime: 'torch', kind: 'cuda', gpu: Number(cuda[1] ?? 0) };
  throw new Error(`device must be ${FORMS} for the tinylora backend (got "${device}")`);
}

/** `cuda:1` → 'cuda'; throws on a device ONNX Runtime here cannot use (the torch forms included). */
export function executionProviderFor(device: string): 'cpu' | 'cuda' {
  const spec = parseDevice(device);
  if (spec.runtime !== 'onnxruntime') throw new Error(`device "${device}" is a torch device, not an ONNX Runtime execution provider`);
  return spec.executionProvider;
}

/**
 * The torch device string of each slot: `cpu` for every slot on the CPU; on CUDA `cuda:<gpus[i]>` per
 * slot when GPUs are listed (one slot per GPU), else every slot on the device's GPU.
 */
export function slotTorchDevices(spec: DeviceSpec, slots: number, gpus: readonly number[] | undefined): string[] {
  if (spec.runtime !== 'torch') throw new Error('slotTorchDevices: not a torch device');
  if (spec.kind === 'cpu') {
    if (gpus && gpus.length > 0) throw new Error('--gpus needs --device torch:cuda');
    return Array.from({ length: slots }, () => 'cpu');
  }
  if (gpus && gpus.length > 0) {
    if (gpus.length !== slots) throw new Error(`--gpus lists ${gpus.length} GPUs but the trainer has ${slots} slots (one slot per GPU)`);
    return gpus.map((g) => `cuda:${g}`);
  }
  return Array.from({ length: slots }, () => `cuda:${spec.gpu}`);
}
