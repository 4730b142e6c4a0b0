import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addToken, generateToken, hashToken, roleAllows, TokenStore } from './index.js';

describe('roles', () => {
  it('read ⊂ submit ⊂ admin, and node stands apart', () => {
    expect(roleAllows('admin', 'submit')).toBe(true);
    expect(roleAllows('submit', 'read')).toBe(true);
    expect(roleAllows('read', 'submit')).toBe(false);
    expect(roleAllows('submit', 'admin')).toBe(false);
    expect(roleAllows('admin', 'node')).toBe(false);
    expect(roleAllows('node', 'read')).toBe(false);
    expect(roleAllows('node', 'submit')).toBe(false);
    expect(roleAllows('node', 'node')).toBe(true);
  });
});

describe('TokenStore', () => {
  const admin = generateToken('admin');
  const node = generateToken('node');
  const store = new TokenStore([
    { name: 'alice', role: 'admin', sha256: hashToken(admin) },
    { name: 'gpu-1', role: 'node', sha256: hashToken(node) },
  ]);

  it('identifies a stored token by its hash, and nothing else', () => {
    expect(store.identify(admin)).toEqual({ name: 'alice', role: 'admin' });
    expect(store.identify(node)).toEqual({ name: 'gpu-1', role: 'node' });
    expect(store.identify(`${admin}x`)).toBeUndefined();
    expect(store.identify(admin.slice(0, -1))).toBeUndefined();
    expect(store.identify('')).toBeUndefined();
  });

  it('never keeps the token itself', () => {
    expect(store.serialize()).not.toContain(admin);
    expect(store.serialize()).toContain(hashToken(admin));
  });

  it('refuses a malformed file, naming the field, without quoting its text', () => {
    expect(() => TokenStore.parse('{"version":1,"tokens":[{"name":"a","role":"root","sha256":"00"}]}', 'f.json')).toThrow(/f\.json: tokens\.0\.role: must be one of read, submit, admin, node/);
    expect(() => TokenStore.parse('root:x:0:0:root:/root:/bin/bash', 'f.json')).toThrow('f.json: not valid JSON');
    expect(() => new TokenStore([{ name: 'a', role: 'read', sha256: hashToken('x') }, { name: 'a', role: 'admin', sha256: hashToken('y') }])).toThrow(/used twice/);
  });

  it('addToken writes a 0600 store and returns the only plain copy', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'access-')), 'tokens.json');
    const t1 = addToken(file, 'bob', 'submit');
    const t2 = addToken(file, 'ci', 'read');
    expect(t1).toMatch(/^tsw_submit_[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(t1);
    const reread = TokenStore.read(file);
    expect(reread.identify(t1)).toEqual({ name: 'bob', role: 'submit' });
    expect(reread.identify(t2)).toEqual({ name: 'ci', role: 'read' });
    expect(() => addToken(file, 'bob', 'admin')).toThrow(/already/);
    writeFileSync(file, '{');
    expect(() => TokenStore.read(file)).toThrow(/not valid JSON/);
  });
});
