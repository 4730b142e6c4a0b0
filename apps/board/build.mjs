#!/usr/bin/env node
/**
 * Builds the board to static files in apps/board/dist/site (the API serves them at /), with a
 * gzip and a brotli copy of each text file beside it. Skips the build when nothing it reads
 * changed since the last one (a stamp of the sources, libs/api-types, this script and the versions of vite,
 * preact and echarts), so scripts/setup.mjs can call it on every run.
 *
 *   node apps/board/build.mjs            # build if stale
 *   node apps/board/build.mjs --force    # build anyway
 *
 * Type checking is tsc's job (apps/board/tsconfig.json is in the root tsc -b); vite only bundles.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
export const SITE_DIR = join(HERE, 'dist', 'site');
const STAMP = join(SITE_DIR, '.build-stamp');
/** Workspace libs the board imports are bundled from their sources (the `@tinysweep/source` condition), so they are inputs too. */
const INPUTS = ['index.html', 'build.mjs', 'src', 'public', '../../libs/api-types/package.json', '../../libs/api-types/src'];
const PACKAGES = ['vite', 'preact', 'echarts', 'zrender'];
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

/** A hash of everything the build reads. */
export function sourceStamp() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(join(HERE, p)))) {
    if (file.endsWith('.spec.ts')) continue;
    hash.update(relative(HERE, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const pkg of PACKAGES) {
    const manifest = join(ROOT, 'node_modules', pkg, 'package.json');
    hash.update(pkg).update(existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : 'missing');
  }
  return hash.digest('hex');
}

/** Whether dist/site is missing or older than the sources. */
export function isStale() {
  return !existsSync(join(SITE_DIR, 'index.html')) || !existsSync(STAMP) || readFileSync(STAMP, 'utf8') !== sourceStamp();
}

/**
 * Builds when stale (or forced). Returns { built: boolean, seconds }.
 * @param {{ force?: boolean, log?: (m: string) => void }} [opts]
 */
export async function buildBoard({ force = false, log = () => {} } = {}) {
  const t0 = performance.now();
  const stamp = sourceStamp();
  if (!force && !isStale()) return { built: false, seconds: 0 };
  const { build, defaultClientConditions } = await import('vite');
  await build({
    root: HERE,
    configFile: false,
    logLevel: 'warn',
    base: '/',
    // @tinysweep/* packages resolve to their TypeScript sources, as under tsc and vitest (not to a dist/ tsc may not have built).
    resolve: { conditions: ['@tinysweep/source', ...defaultClientConditions] },
    publicDir: join(HERE, 'public'),
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: {
      outDir: SITE_DIR,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      chunkSizeWarningLimit: 1200,
      rollupOptions: {
        output: {
          // ECharts is most of the weight and changes rarely: its own long-cached file.
          manualChunks: (id) => (/node_modules[\\/](echarts|zrender)[\\/]/.test(id) ? 'echarts' : undefined),
        },
      },
    },
  });
  let compressed = 0;
  for (const file of files(SITE_DIR)) {
    if (!COMPRESSIBLE.test(file) || file.endsWith('.map')) continue;
    const body = readFileSync(file);
    if (body.length < 1024) continue;
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    compressed++;
  }
  writeFileSync(STAMP, stamp);
  const seconds = (performance.now() - t0) / 1000;
  log(`board: built ${relative(ROOT, SITE_DIR)} (${compressed} files precompressed, ${seconds.toFixed(1)}s)`);
  return { built: true, seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildBoard({ force: process.argv.includes('--force'), log: (m) => console.log(m) })
    .then((r) => {
      if (!r.built) console.log('board: up to date');
    })
    .catch((err) => {
      console.error(`board: build failed: ${err?.stack ?? err}`);
      process.exitCode = 1;
    });
}
