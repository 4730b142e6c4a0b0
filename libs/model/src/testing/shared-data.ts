import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** ../shared/data beside the checkout (also there in CI); tests read it in place, never copy it. */
export const SHARED_DATA_DIR = process.env.TINYSWEEP_SHARED_DATA ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/data');

/** The real pretrained stories260K (llama2.c format) with its golden greedy output. */
export const STORIES260K_DIR = join(SHARED_DATA_DIR, 'models', 'stories260K');

/** max |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
