import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { generateToken, hashToken } from './api-token.js';
import { ROLES, type Principal, type Role } from './roles.js';

/** One stored token: its name (who submitted what is recorded by it), role and hash. Never the token. */
export interface TokenEntry {
  name: string;
  role: Role;
  /** hashToken(token): sha256, hex. */
  sha256: string;
  createdAt?: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const StoreFile = z.strictObject({
  version: z.literal(1),
  tokens: z.array(
    z.strictObject({
      name: z.string().regex(NAME_RE, { error: 'must be 1-64 letters, digits, . _ @ - (starting with a letter or digit)' }),
      role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits (hashToken of the token)' }),
      createdAt: z.string().optional(),
    }),
  ),
});

/**
 * The API's tokens, as hashes. `identify` hashes what a request presents and compares it with every
 * stored hash in constant time (fixed 32-byte digests, no early exit), so neither a token's bytes
 * nor its length nor which entry matched shows in the timing.
 */
export class TokenStore {
  private readonly digests: { principal: Principal; digest: Buffer }[];

  constructor(readonly entries: readonly TokenEntry[]) {
    const names = new Set<string>();
    for (const e of entries) {
      if (names.has(e.name)) throw new Error(`token name "${e.name}" is used twice`);
      names.add(e.name);
    }
    this.digests = entries.map((e) => ({ principal: { name: e.name, role: e.role }, digest: Buffer.from(e.sha256, 'hex') }));
  }

  /** Parses a store file's text; errors name the entry and field. */
  static parse(text: string, source = 'token store'): TokenStore {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text; a token store's text is not for error messages.
      throw new Error(`${source}: not valid JSON`);
    }
    const parsed = StoreFile.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    return new TokenStore(parsed.data.tokens);
  }

  /** Reads a store file; a missing file is an empty store. */
  static read(path: string): TokenStore {
    if (!existsSync(path)) return new TokenStore([]);
    return TokenStore.parse(readFileSync(path, 'utf8'), path);
  }

  get size(): number {
    return this.digests.length;
  }

  /** A store with one more entry. */
  with(entry: TokenEntry): TokenStore {
    return new TokenStore([...this.entries, entry]);
  }

  /** Who holds `token`, or undefined. */
  identify(token: string): Principal | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const { principal, digest } of this.digests) {
      if (timingSafeEqual(presented, digest) && found === undefined) found = principal;
    }
    return found;
  }

  /** The store file's text. */
  serialize(): string {
    return `${JSON.stringify({ version: 1, tokens: this.entries }, null, 2)}\n`;
  }

  /** Writes the store to `path` (mode 0600, replaced atomically). */
  write(path: string): void {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, this.serialize(), { mode: 0o600 });
    renameSync(tmp, path);
  }
}

/**
 * Adds a new random token named `name` with `role` to the store at `path` (created when missing) and
 * returns the token: the only time it exists in plain text.
 */
export function addToken(path: string, name: string, role: Role): string {
  if (!NAME_RE.test(name)) throw new Error(`token name "${name}": must be 1-64 letters, digits, . _ @ - (starting with a letter or digit)`);
  const store = TokenStore.read(path);
  if (store.entries.some((e) => e.name === name)) throw new Error(`token name "${name}" is already in ${path}`);
  const token = generateToken(role);
  store.with({ name, role, sha256: hashToken(token), createdAt: new Date().toISOString() }).write(path);
  return token;
}
