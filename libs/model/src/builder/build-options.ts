import type { AdapterGraph } from './adapter-graph.js';

export interface BuildOptions {
  /** An adapter method's branches and trainable input (see {@link AdapterGraph}); absent: the base model. */
  adapter?: AdapterGraph;
  /**
   * Largest batch a session runs at once (greedy/logprobs split bigger requests). The graph itself
   * has a dynamic batch dimension.
   * @defaultValue 16
   */
  maxBatch?: number;
  /**
   * Above this many bytes of weights the graph is saved with an external-data file.
   * @defaultValue 1 GiB
   */
  externalDataThreshold?: number;
}
