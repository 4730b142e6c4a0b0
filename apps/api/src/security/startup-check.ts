import type { TokenStore } from '@tinysweep/access';
import type { ApiConfig } from '../config/api.config.js';
import { isLoopbackBind } from './request-policy.js';

/**
 * Throws when the API must not start as configured: without tokens unless explicitly allowed
 * (TINYSWEEP_INSECURE_NO_TOKEN=1), and never without tokens on an address other machines reach.
 */
export function assertSafeToStart(config: Pick<ApiConfig, 'TINYSWEEP_API_HOST' | 'TINYSWEEP_INSECURE_NO_TOKEN'>, tokens: TokenStore): void {
  if (tokens.size > 0) return;
  if (!isLoopbackBind(config.TINYSWEEP_API_HOST)) {
    throw new Error(
      `refusing to listen on ${config.TINYSWEEP_API_HOST || 'every address'} without API tokens: anyone who reaches it could run programs on your trainers. ` +
        'Set TINYSWEEP_API_TOKENS_FILE (tinysweep token create) or TINYSWEEP_API_TOKEN, or listen on 127.0.0.1',
    );
  }
  if (!config.TINYSWEEP_INSECURE_NO_TOKEN) {
    throw new Error(
      'no API tokens configured: set TINYSWEEP_API_TOKENS_FILE (tinysweep token create) or TINYSWEEP_API_TOKEN and TINYSWEEP_NODE_TOKEN; ' +
        'to run without any (loopback only, every local user and program can then drive the API) set TINYSWEEP_INSECURE_NO_TOKEN=1',
    );
  }
}
