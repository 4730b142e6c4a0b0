import { TokenStore } from '@tinysweep/access';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { securityEnv, type StackUrls } from './local-stack.js';
import { ensureStackSecrets } from './stack-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'tinysweep-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureStackSecrets', () => {
  it('makes random tokens once, 0600, the API store holding only their hashes, and keeps them', () => {
    const s = ensureStackSecrets(dir);
    expect(s.apiToken).toMatch(/^tsw_admin_/);
    expect(readFileSync(s.tokenFile, 'utf8').trim()).toBe(s.apiToken);
    for (const f of [s.tokenFile, s.tokensFile, join(dir, 'secrets', 'node-token'), join(dir, 'secrets', 'trainer-token')]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    const store = readFileSync(s.tokensFile, 'utf8');
    expect(store).not.toContain(s.apiToken);
    expect(TokenStore.parse(store).identify(s.apiToken)).toEqual({ name: 'local-admin', role: 'admin' });
    expect(TokenStore.parse(store).identify(s.nodeToken)).toEqual({ name: 'local-node', role: 'node' });
    expect(ensureStackSecrets(dir)).toEqual(s);
  });

  it('makes new ones when the store no longer knows them', () => {
    const before = ensureStackSecrets(dir);
    writeFileSync(before.tokensFile, '{"version":1,"tokens":[]}');
    const after = ensureStackSecrets(dir);
    expect(after.apiToken).not.toBe(before.apiToken);
    expect(readFileSync(after.tokenFile, 'utf8').trim()).toBe(after.apiToken);
  });
});

describe('securityEnv', () => {
  const urls = { databaseUrl: 'postgres://x', redisUrl: 'redis://y', apiPort: 1, apiUrl: 'http://127.0.0.1:1', workdir: '/w', dataRoots: ['/d'], secrets: ensureStackSecrets(dir) } as StackUrls;
  it('gives each app its own tokens, and trainers neither the database nor Redis', () => {
    expect(securityEnv(urls, 'api')).toMatchObject({ TINYSWEEP_API_TOKENS_FILE: urls.secrets!.tokensFile, TINYSWEEP_TRAINER_TOKEN: urls.secrets!.trainerToken, TINYSWEEP_DATA_ROOTS: '/w,/d' });
    expect(securityEnv(urls, 'dispatcher')).toEqual({ TINYSWEEP_TRAINER_TOKEN: urls.secrets!.trainerToken });
    const trainer = securityEnv(urls, 'trainer');
    expect(trainer).toMatchObject({ TINYSWEEP_NODE_TOKEN: urls.secrets!.nodeToken, TINYSWEEP_ALLOW_COMMAND: 'node', TINYSWEEP_DATA_ROOTS: '/d' });
    expect(Object.entries(trainer).filter(([, v]) => v !== undefined).map(([k]) => k)).not.toContain('DATABASE_URL');
    expect(trainer).toHaveProperty('DATABASE_URL', undefined); // removed from what it inherits
    expect(JSON.stringify(trainer)).not.toContain(urls.secrets!.apiToken);
    expect(securityEnv({ ...urls, secrets: undefined }, 'api')).toMatchObject({ TINYSWEEP_INSECURE_NO_TOKEN: '1' });
  });
});
