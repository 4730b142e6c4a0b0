/** Test helpers, exported as @tinysweep/model/testing (not part of the main entry: they are for tests). */
export { referenceForward } from './reference-forward.js';
export { mergeDeltas } from './merge-adapter.js';
export { writeRandomHfCheckpoint, type RandomCheckpointOptions } from './hf-checkpoint.js';
export { sentencepieceTokenizer, byteLevelTokenizer, bytesToUnicode, CHATML_TEMPLATE, type TokenizerFiles } from './tokenizer-json.js';
export { SeededRandom } from './random.js';
export { SHARED_DATA_DIR, STORIES260K_DIR, maxAbsDiff } from './shared-data.js';
