import { existsSync, readFileSync } from 'node:fs';

/** What one side of a mutual-TLS gRPC connection needs: the CA to trust, and its own certificate and key. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Reads TLS files, or returns null when none is configured. Half a configuration is an error that
 * names what is missing: a trainer must never fall back to plain text by accident.
 */
export function loadTlsMaterial(files: TlsFiles, what = 'TLS'): TlsMaterial | null {
  const given = (['ca', 'cert', 'key'] as const).filter((k) => files[k]);
  if (given.length === 0) return null;
  const missing = (['ca', 'cert', 'key'] as const).filter((k) => !files[k]);
  if (missing.length > 0) throw new Error(`${what}: ${missing.join(', ')} not given (need ca, cert and key together)`);
  const read = (k: 'ca' | 'cert' | 'key') => {
    const path = files[k]!;
    if (!existsSync(path)) throw new Error(`${what}: ${k} file not found: ${path}`);
    return readFileSync(path);
  };
  return { ca: read('ca'), cert: read('cert'), key: read('key') };
}
