import { readFileSync } from 'node:fs';

/**
 * libs/engine's package.json version (one level above both src/ and dist/). Result reuse keys on it:
 * bump it when a change makes the same trial compute different numbers.
 */
export const ENGINE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
