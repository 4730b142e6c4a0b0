import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DecoderConfig } from '../config/decoder-config.js';

/** sha256(config JSON, then every weight file in order): changes when anything the graph bakes in changes. */
export async function hashModel(config: DecoderConfig, weightFiles: string[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(stableJson(config));
  for (const file of weightFiles) {
    hash.update('\0');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** JSON with sorted keys, so the hash does not depend on property order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
