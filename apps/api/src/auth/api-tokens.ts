import { hashToken, TokenStore } from '@tinysweep/access';
import { existsSync } from 'node:fs';
import type { ApiConfig } from '../config/api.config.js';

/** DI token for the API's TokenStore. */
export const API_TOKENS = Symbol('API_TOKENS');

/**
 * The tokens the API accepts: the store file's, plus TINYSWEEP_API_TOKEN (named "admin", role admin)
 * and TINYSWEEP_NODE_TOKEN (named "node", role node). Only their hashes are kept.
 */
export function loadApiTokens(config: Pick<ApiConfig, 'TINYSWEEP_API_TOKENS_FILE' | 'TINYSWEEP_API_TOKEN' | 'TINYSWEEP_NODE_TOKEN'>): TokenStore {
  const file = config.TINYSWEEP_API_TOKENS_FILE;
  if (file !== undefined && !existsSync(file)) throw new Error(`TINYSWEEP_API_TOKENS_FILE: ${file} does not exist (make one with: tinysweep token create --store ${file})`);
  let store = file === undefined ? new TokenStore([]) : TokenStore.read(file);
  if (config.TINYSWEEP_API_TOKEN) store = store.with({ name: 'admin', role: 'admin', sha256: hashToken(config.TINYSWEEP_API_TOKEN) });
  if (config.TINYSWEEP_NODE_TOKEN) store = store.with({ name: 'node', role: 'node', sha256: hashToken(config.TINYSWEEP_NODE_TOKEN) });
  return store;
}
