/** A named float32 tensor, row-major. */
export interface Tensor32 {
  data: Float32Array;
  shape: number[];
}

/**
 * Model weights under HF names (model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, …),
 * linear weights as [out, in] like torch.nn.Linear. Loaders may read lazily: get() can convert on every
 * call, so callers keep what they need instead of calling it in a loop.
 */
export interface Weights {
  get(name: string): Tensor32;
  has(name: string): boolean;
  names(): string[];
}

/** Weights held in memory (llama2.c checkpoints, tests, merged adapters). */
export class MapWeights implements Weights {
  private readonly tensors: Map<string, Tensor32>;

  constructor(tensors: Iterable<[string, Tensor32]> = []) {
    this.tensors = new Map(tensors);
  }

  get(name: string): Tensor32 {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new Error(`weight not found: ${name}`);
    return tensor;
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  set(name: string, tensor: Tensor32): void {
    const expected = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== expected) {
      throw new Error(`${name}: ${tensor.data.length} values do not fill shape [${tensor.shape.join(', ')}]`);
    }
    this.tensors.set(name, tensor);
  }

  /** A copy whose tensors can be replaced without touching this one (data is shared until set()). */
  clone(): MapWeights {
    return new MapWeights(this.tensors);
  }

  static from(weights: Weights): MapWeights {
    return new MapWeights(weights.names().map((name) => [name, weights.get(name)]));
  }
}

/** [rows, cols] → [cols, rows]. Linear weights are stored [out, in]; the graph multiplies by [in, out]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  if (data.length !== rows * cols) throw new Error(`transpose2d: ${data.length} values, expected ${rows}x${cols}`);
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}
