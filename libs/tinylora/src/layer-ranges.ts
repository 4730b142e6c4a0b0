/**
 * Block lists written compactly, `0-27` or `0-3,8,10-12`: how an adapter file and a structure key
 * spell `layers`, so their length does not grow with the model's depth.
 */
import { MAX_LAYER_INDEX } from './layer-selection.js';

/** Sorted unique block indices as ranges: [0,1,2,3,8,10,11,12] → `0-3,8,10-12`. */
export function formatLayerRanges(layers: readonly number[]): string {
  const sorted = [...new Set(layers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const RANGES = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/**
 * The inverse of {@link formatLayerRanges}: sorted block indices. Returns a reason (a string) instead
 * when the text is malformed, a range runs backwards, an index passes {@link MAX_LAYER_INDEX}, or a
 * block is listed twice.
 */
export function parseLayerRanges(text: string): number[] | string {
  if (!RANGES.test(text)) return `must be block indices and ranges like "0-3,8,10-12" (got ${JSON.stringify(text)})`;
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (a > b) return `range ${part} runs backwards`;
    if (b > MAX_LAYER_INDEX) return `block indices go up to ${MAX_LAYER_INDEX} (got ${b})`;
    for (let i = a; i <= b; i++) out.push(i);
  }
  const sorted = [...new Set(out)].sort((x, y) => x - y);
  if (sorted.length !== out.length) return `lists a block twice (${JSON.stringify(text)})`;
  return sorted;
}
