import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './roles.js';

/**
 * A new random API token: `tsw_<role>_` and 32 random bytes (base64url). The role in the text is a
 * hint for people reading a config; what a token may do is decided by the store that holds its hash.
 */
export function generateToken(role: Role): string {
  return `tsw_${role}_${randomBytes(32).toString('base64url')}`;
}

/**
 * sha256 of a token, hex. Tokens are 256 random bits, so a plain hash is enough to make a leaked
 * store useless (no salt or slow KDF needed), and comparing digests compares fixed-length values.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
