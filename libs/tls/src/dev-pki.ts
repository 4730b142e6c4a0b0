import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from './pki.js';
import type { TlsFiles } from './tls-material.js';

export interface DevPki {
  dir: string;
  /** Files a trainer serves with (server + client usage, so it can also be a client). */
  trainer: Required<TlsFiles>;
  /** Files a dispatcher dials trainers with. */
  dispatcher: Required<TlsFiles>;
}

/**
 * Writes a development CA and certificates into `dir` (what `tinysweep certs` does): ca.pem,
 * trainer.pem/-key.pem valid for `hosts`, dispatcher.pem/-key.pem. Keys are written mode 0600.
 * For production, issue certificates from your own CA and point the same env vars at them.
 */
export async function writeDevPki(dir: string, hosts: string[]): Promise<DevPki> {
  mkdirSync(dir, { recursive: true });
  const ca = await createCertificateAuthority();
  const trainer = await issueCertificate(ca, { commonName: 'tinysweep-trainer', hosts, usage: 'both' });
  const dispatcher = await issueCertificate(ca, { commonName: 'tinysweep-dispatcher', usage: 'client' });
  const write = (name: string, text: string, secret = false) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    if (secret) chmodSync(path, 0o600);
    return path;
  };
  const caPath = write('ca.pem', ca.certPem);
  write('ca-key.pem', ca.keyPem, true);
  return {
    dir,
    trainer: { ca: caPath, cert: write('trainer.pem', trainer.certPem), key: write('trainer-key.pem', trainer.keyPem, true) },
    dispatcher: { ca: caPath, cert: write('dispatcher.pem', dispatcher.certPem), key: write('dispatcher-key.pem', dispatcher.keyPem, true) },
  };
}

/**
 * The dev PKI in `dir`, made on first use and kept afterwards (trainers on other hosts keep
 * trusting it across restarts); made anew when the trainer's host list changed.
 */
export async function ensureDevPki(dir: string, hosts: string[]): Promise<DevPki> {
  const wanted = JSON.stringify([...new Set(hosts)].sort());
  const stamp = join(dir, 'hosts.json');
  const files = ['ca.pem', 'trainer.pem', 'trainer-key.pem', 'dispatcher.pem', 'dispatcher-key.pem'].map((f) => join(dir, f));
  if (files.every((f) => existsSync(f)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    const [ca, tc, tk, dc, dk] = files as [string, string, string, string, string];
    return { dir, trainer: { ca, cert: tc, key: tk }, dispatcher: { ca, cert: dc, key: dk } };
  }
  const pki = await writeDevPki(dir, JSON.parse(wanted) as string[]);
  writeFileSync(stamp, wanted);
  return pki;
}
