/** `GET /nodes` items: a trainer as its last heartbeat described it, with the control plane's view added. */
export interface TrainerNode {
  id: string;
  /** host:port the dispatcher dials. */
  address: string;
  /** "cpu", "cuda:0" (ONNX Runtime), "torch", "torch:cuda", ... */
  device: string;
  /** The GPUs its slots run on (one slot per GPU with --gpus). */
  gpus?: { index: number; name: string; memoryMiB: number }[];
  /** Model paths it holds in memory now. */
  loadedModels?: string[];
  /** Trainings it runs at once. */
  slots: number;
  /** Trainings in flight, as the trainer reported. */
  running: number;
  /** Slots leased by dispatchers right now. */
  busy: number;
  backends: string[];
  models: string[];
  version: string;
  /** ms since epoch of the last heartbeat (a number, not an ISO string). */
  lastHeartbeatAt: number;
  heartbeatAgeMs: number;
  /** Heartbeat within the timeout and not marked unreachable. */
  alive: boolean;
}
