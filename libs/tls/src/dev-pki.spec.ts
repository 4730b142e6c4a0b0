import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDevPki, type DevPki } from './dev-pki.js';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.js';

/** Opens a mutual-TLS connection to `port` with `client` material; resolves with the server's reply or the error. */
function dial(port: number, client: Partial<TlsMaterial>, servername = 'localhost'): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', servername, ca: client.ca, cert: client.cert, key: client.key }, () => {
      s.once('data', (d) => {
        resolve(d.toString());
        s.end();
      });
    });
    s.on('error', (err) => resolve(`error: ${err.message}`));
    // TLS 1.3: a refused client certificate surfaces as the server closing after the handshake
    s.on('close', () => resolve('closed without a reply'));
  });
}

describe('dev PKI for mutual TLS', () => {
  let dir: string;
  let pki: DevPki;
  let other: DevPki;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pki-'));
    pki = await writeDevPki(join(dir, 'ours'), ['localhost', '127.0.0.1']);
    other = await writeDevPki(join(dir, 'theirs'), ['localhost', '127.0.0.1']);
    const t = loadTlsMaterial(pki.trainer)!;
    server = createServer({ ca: t.ca, cert: t.cert, key: t.key, requestCert: true, rejectUnauthorized: true }, (s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a dispatcher with a certificate from the same CA in, by IP and by name', async () => {
    expect(await dial(port, loadTlsMaterial(pki.dispatcher)!)).toBe('hello');
    expect(await dial(port, loadTlsMaterial(pki.dispatcher)!, '127.0.0.1')).toBe('hello');
  });

  it('refuses a client certificate from another CA, and a client with none', async () => {
    const theirs = loadTlsMaterial(other.dispatcher)!;
    expect(await dial(port, { ...theirs, ca: loadTlsMaterial(pki.dispatcher)!.ca })).toMatch(/error|closed/);
    expect(await dial(port, { ca: loadTlsMaterial(pki.dispatcher)!.ca })).toMatch(/error|closed/);
  });

  it("refuses a server whose certificate the client's CA did not sign", async () => {
    expect(await dial(port, loadTlsMaterial(other.dispatcher)!)).toMatch(/error/);
  });

  it('writes keys readable only by their owner, and names what is missing in a half configuration', () => {
    expect(statSync(pki.trainer.key).mode & 0o077).toBe(0);
    expect(() => loadTlsMaterial({ ca: pki.trainer.ca, cert: pki.trainer.cert }, 'trainer TLS')).toThrow(/trainer TLS: key not given/);
    expect(loadTlsMaterial({})).toBeNull();
  });
});
