#!/usr/bin/env node
/**
 * Idempotent set-up, run first by `npm test`, `npm run demo` and the benchmarks:
 *
 *   1. npm dependencies (npm ci on a fresh clone; npm install when a package.json or the lock changed)
 *   2. system packages from Debian: redis-server; with --tests also what the tests need (chromium,
 *      yamllint, python3-torch, libopenblas0-pthread, python3-pip). apt-get as root; otherwise it prints the
 *      command and exits 1
 *   3. the Prisma client (prisma generate, offline) when prisma/schema.prisma changed
 *   4. tsc -b tsconfig.json: dist/ of every project, and the typecheck
 *   5. the results board's static files (apps/board/build.mjs; skipped when its sources are unchanged)
 *
 *   node scripts/setup.mjs            # all of it; a no-op run takes about a second
 *   node scripts/setup.mjs --no-build # skip step 4
 *   node scripts/setup.mjs --tests    # also the system packages the tests need
 *
 * Plain Node with no dependencies: it must run before node_modules exists. scripts/test.mjs
 * imports `setup()` to get the typecheck result without stopping on it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_MODULES = join(ROOT, 'node_modules');
const INSTALL_STAMP = join(NODE_MODULES, '.tinysweep-install-stamp');
const GENERATED = join(ROOT, 'libs', 'db', 'src', 'generated', 'prisma');
const GENERATE_STAMP = join(GENERATED, '.tinysweep-stamp');
const SCHEMA = join(ROOT, 'prisma', 'schema.prisma');

/** An error that ends set-up with a message and no stack. */
export class SetupError extends Error {}

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
};
const readOr = (path, fallback = '') => (existsSync(path) ? readFileSync(path) : fallback);
const seconds = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

function run(command, args, { capture = false, env } = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new SetupError(`${command} ${args.join(' ')}: ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** package.json of the root and of every workspace (apps/*, libs/*). */
function manifests() {
  const found = [join(ROOT, 'package.json')];
  for (const folder of ['apps', 'libs']) {
    const dir = join(ROOT, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) found.push(manifest);
    }
  }
  return found;
}

// The package.json fields an install depends on (editing "scripts" needs no npm install).
const INSTALL_FIELDS = [
  'name', 'dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies',
  'bundleDependencies', 'workspaces', 'overrides', 'allowScripts', 'bin', 'engines', 'os', 'cpu',
];

function installHash() {
  const lock = join(ROOT, 'package-lock.json');
  const relevant = (manifest) => {
    const text = readOr(manifest).toString();
    try {
      const pkg = JSON.parse(text);
      return JSON.stringify(INSTALL_FIELDS.map((field) => pkg[field] ?? null));
    } catch {
      return text;
    }
  };
  return sha256(...manifests().map((m) => `${m}\n${relevant(m)}`), readOr(lock));
}

/** 1. npm dependencies. */
function ensureDependencies(log) {
  const lock = join(ROOT, 'package-lock.json');
  const marker = join(NODE_MODULES, '.package-lock.json'); // npm writes it after every install
  const flags = ['--no-audit', '--no-fund'];
  const t0 = performance.now();
  let command;
  if (!existsSync(NODE_MODULES) || !existsSync(marker)) {
    command = existsSync(lock) && !existsSync(NODE_MODULES) ? ['ci', ...flags] : ['install', ...flags];
  } else if (existsSync(INSTALL_STAMP)) {
    if (readFileSync(INSTALL_STAMP, 'utf8') === installHash()) return log('dependencies: up to date');
    command = ['install', ...flags];
  } else {
    // Installed before this script kept a stamp: trust npm's marker if nothing is newer than it.
    const installedAt = statSync(marker).mtimeMs;
    const newer = [...manifests(), lock].filter((f) => existsSync(f) && statSync(f).mtimeMs > installedAt);
    if (newer.length === 0) {
      writeFileSync(INSTALL_STAMP, installHash());
      return log('dependencies: up to date');
    }
    command = ['install', ...flags];
  }
  log(`dependencies: npm ${command.join(' ')}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!run(npm, command).ok) throw new SetupError(`npm ${command[0]} failed`);
  writeFileSync(INSTALL_STAMP, installHash());
  log(`dependencies: installed (${seconds(t0)})`);
}

function onPath(name) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/usr/sbin']) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * System packages from Debian. redis-server and python3 are needed by everything (the local stack
 * and the tests start their own Redis; the command backend's sandbox is Python); the rest only by
 * the tests: Chromium for the board's browser tests, yamllint for
 * the infra manifests, PyTorch (with a threaded OpenBLAS: ~30× faster than the reference BLAS) for
 * the torch device. They are installed here, once, before any test starts: test files running in
 * parallel must not race each other through apt.
 */
const SYSTEM_PACKAGES = [
  { name: 'redis-server', forTests: false, present: () => onPath('redis-server') !== undefined },
  // the command backend's sandbox launcher (apps/trainer/sandbox/launch.py) is standard-library Python
  { name: 'python3-minimal', forTests: false, present: () => onPath('python3') !== undefined },
  { name: 'chromium', forTests: true, present: () => existsSync('/usr/bin/chromium') },
  { name: 'yamllint', forTests: true, present: () => onPath('yamllint') !== undefined },
  { name: 'python3-torch', forTests: true, present: () => debianHas('python3-torch') },
  { name: 'libopenblas0-pthread', forTests: true, present: () => debianHas('libopenblas0-pthread') },
  // the Python client's test pip-installs it offline (no build isolation: Debian's setuptools builds it)
  { name: 'python3-pip', forTests: true, present: () => debianHas('python3-pip') },
];

/** Whether dpkg says a package is installed (false without dpkg). */
function debianHas(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** The apt-get command that installs `names`. */
export const aptInstallCommand = (names) => `apt-get update && apt-get install -y ${names.join(' ')}`;

/**
 * 2. System packages: installs what is missing in one apt-get run (as root), or names the command.
 * Throws when redis-server is missing after that; returns the problem when only test packages are.
 */
function ensureSystemPackages(log, { tests }) {
  const wanted = SYSTEM_PACKAGES.filter((p) => tests || !p.forTests);
  const missing = wanted.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) {
    log(`system packages: ${wanted.map((p) => p.name).join(', ')}`);
    return { ok: true, output: '' };
  }
  const problem = (message) => {
    if (SYSTEM_PACKAGES.some((p) => !p.forTests && !p.present())) throw new SetupError(message);
    log(message);
    return { ok: false, output: message };
  };
  const isRoot = process.getuid?.() === 0;
  if (isRoot && onPath('apt-get')) {
    log(`system packages: missing ${missing.join(', ')}; running apt-get install`);
    const t0 = performance.now();
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    // The package lists may be fresh enough already; update only when the install needs it.
    let result = run('apt-get', ['install', '-y', ...missing], { capture: true, env });
    if (!result.ok) {
      run('apt-get', ['update'], { capture: true, env });
      result = run('apt-get', ['install', '-y', ...missing], { capture: true, env });
    }
    const still = wanted.filter((p) => !p.present()).map((p) => p.name);
    if (still.length === 0) {
      log(`system packages: installed ${missing.join(', ')} (${seconds(t0)})`);
      return { ok: true, output: '' };
    }
    return problem(
      `installing ${still.join(', ')} failed:\n${result.output.trim().split('\n').slice(-10).join('\n')}\nInstall with:\n  ${aptInstallCommand(still)}`,
    );
  }
  const command = aptInstallCommand(missing);
  return problem(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed. Install with:\n  ${isRoot ? command : `sudo sh -c '${command}'`}`);
}

/** 3. The Prisma client (libs/db/src/generated/prisma), offline. */
function ensurePrismaClient(log) {
  const version = (pkg) => readOr(join(NODE_MODULES, pkg, 'package.json'));
  const want = sha256(readOr(SCHEMA), version('prisma'), version('@prisma/client'));
  if (existsSync(join(GENERATED, 'client.ts')) && readOr(GENERATE_STAMP).toString() === want) {
    return log('prisma client: up to date');
  }
  const t0 = performance.now();
  const cli = join(NODE_MODULES, 'prisma', 'build', 'index.js');
  if (!existsSync(cli)) throw new SetupError('prisma is not installed (node_modules/prisma); run npm install');
  const result = run(process.execPath, [cli, 'generate'], {
    capture: true,
    env: {
      // generate needs no schema engine, but the CLI wants one to exist: any file will do.
      PRISMA_SCHEMA_ENGINE_BINARY: process.platform === 'win32' ? process.execPath : '/bin/true',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (!result.ok) throw new SetupError(`prisma generate failed:\n${result.output.trim()}`);
  writeFileSync(GENERATE_STAMP, want);
  log(`prisma client: generated (${seconds(t0)})`);
}

/** 4. Build every project (tsc -b); returns the typecheck result instead of throwing. */
function build(log) {
  const t0 = performance.now();
  const tsc = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
  const result = run(process.execPath, [tsc, '-b', 'tsconfig.json'], { capture: true });
  log(result.ok ? `build: ok (${seconds(t0)})` : `build: typecheck failed (${seconds(t0)})`);
  return { ok: result.ok, output: result.output.trim() };
}

/** 5. The board's static files; apps/board/build.mjs is a no-op when nothing it reads changed. */
function buildBoard(log) {
  const script = join(ROOT, 'apps', 'board', 'build.mjs');
  if (!existsSync(script)) return { ok: true, output: '' };
  const t0 = performance.now();
  const result = run(process.execPath, [script], { capture: true });
  log(result.ok ? `board: ${result.output.includes('up to date') ? 'up to date' : `built (${seconds(t0)})`}` : `board: build failed (${seconds(t0)})`);
  return { ok: result.ok, output: result.ok ? '' : result.output.trim() };
}

/**
 * Runs the set-up. Throws SetupError when something needed is missing; a failing typecheck, and
 * test packages that could not be installed, are returned (`ok: false`) so callers decide.
 */
export function setup({ build: doBuild = true, tests = false, log = (m) => console.log(`setup: ${m}`) } = {}) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) throw new SetupError(`Node ${process.versions.node} is too old; tinysweep needs Node >= 20.19`);
  ensureDependencies(log);
  const systemPackages = ensureSystemPackages(log, { tests });
  ensurePrismaClient(log);
  if (!doBuild) return { typecheck: { ok: true, output: '' }, systemPackages };
  const ts = build(log);
  const board = buildBoard(log);
  return { typecheck: { ok: ts.ok && board.ok, output: [ts.output, board.output].filter(Boolean).join('\n') }, systemPackages };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  try {
    const { typecheck, systemPackages } = setup({ build: !process.argv.includes('--no-build'), tests: process.argv.includes('--tests') });
    if (!systemPackages.ok) process.exitCode = 1;
    if (!typecheck.ok) {
      console.error(typecheck.output);
      process.exitCode = 1;
    } else if (systemPackages.ok) {
      console.log(`setup: done (${seconds(t0)})`);
    }
  } catch (err) {
    console.error(`setup: ${err instanceof SetupError ? err.message : err?.stack ?? err}`);
    process.exitCode = 1;
  }
}
