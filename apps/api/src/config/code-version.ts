import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The control plane's code version for reproduction records: TINYSWEEP_CODE_VERSION when the
 * deployment sets it, else the package version plus the git commit when run from a checkout.
 */
export function codeVersion(): string {
  if (cached) return cached;
  if (process.env.TINYSWEEP_CODE_VERSION) return (cached = process.env.TINYSWEEP_CODE_VERSION);
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // not in a checkout layout
  }
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('.', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    if (sha) version += `+${sha}`;
  } catch {
    // no git
  }
  return (cached = version);
}
