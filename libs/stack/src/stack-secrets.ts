import { addToken, TokenStore } from '@tinysweep/access';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The local stack's tokens: made once in its data folder and kept (mode 0600), like its dev PKI. */
export interface StackSecrets {
  /** The user's token (role admin): what the CLI reads from `tokenFile` and the board is offered. */
  apiToken: string;
  /** `<dataDir>/api-token`. */
  tokenFile: string;
  /** The API's store of hashed tokens, `<dataDir>/secrets/api-tokens.json` (TINYSWEEP_API_TOKENS_FILE). */
  tokensFile: string;
  /** The trainers' token for heartbeats (role node). */
  nodeToken: string;
  /** The gRPC token the dispatcher and the API dial trainers with (TINYSWEEP_TRAINER_TOKEN). */
  trainerToken: string;
}

/** Names of the stack's tokens in the API's store (recorded as the owners of what they submit). */
export const LOCAL_ADMIN = 'local-admin';
export const LOCAL_NODE = 'local-node';

function writeSecret(path: string, text: string): void {
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
}

const readSecret = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined);

/**
 * The stack's tokens in `dataDir`: reused when they are all there and the store still knows them,
 * else made anew (the board and CLI then need the new `api-token`).
 */
export function ensureStackSecrets(dataDir: string): StackSecrets {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const paths = { tokenFile: join(dataDir, 'api-token'), tokensFile: join(dir, 'api-tokens.json'), node: join(dir, 'node-token'), trainer: join(dir, 'trainer-token') };
  const [apiToken, nodeToken, trainerToken] = [readSecret(paths.tokenFile), readSecret(paths.node), readSecret(paths.trainer)];
  if (apiToken && nodeToken && trainerToken && existsSync(paths.tokensFile)) {
    try {
      const store = TokenStore.read(paths.tokensFile);
      if (store.identify(apiToken)?.role === 'admin' && store.identify(nodeToken)?.role === 'node') {
        return { apiToken, nodeToken, trainerToken, tokenFile: paths.tokenFile, tokensFile: paths.tokensFile };
      }
    } catch {
      // unreadable: make new ones below
    }
  }
  rmSync(paths.tokensFile, { force: true });
  const fresh = {
    apiToken: addToken(paths.tokensFile, LOCAL_ADMIN, 'admin'),
    nodeToken: addToken(paths.tokensFile, LOCAL_NODE, 'node'),
    trainerToken: `tsw_trainer_${randomBytes(32).toString('base64url')}`,
  };
  writeSecret(paths.tokenFile, fresh.apiToken);
  writeSecret(paths.node, fresh.nodeToken);
  writeSecret(paths.trainer, fresh.trainerToken);
  return { ...fresh, tokenFile: paths.tokenFile, tokensFile: paths.tokensFile };
}
