#!/usr/bin/env node
// Regenerates libs/proto/src/generated/ from trainer.proto.
//
//   node libs/proto/scripts/gen.mjs        (or: npm run gen -w @tinysweep/proto)
//
// The flags match what loadTrainerProto() passes to @grpc/proto-loader at runtime, so the
// generated types describe exactly the objects the loader produces:
//   --longs=Number --enums=String --defaults --oneofs --keepCase=false
// --importFileExtension=.js makes the generated relative imports end in `.js`, which
// NodeNext module resolution requires (proto-loader >= 0.7.11 has the flag; no post-fixing needed).
// The output is committed; rerun this after every change to trainer.proto.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'src', 'generated');
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@grpc/proto-loader/package.json')), 'build', 'bin', 'proto-loader-gen-types.js');

rmSync(outDir, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    cli,
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--keepCase=false',
    '--includeComments',
    '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.js',
    `--outDir=${outDir}`,
    'trainer.proto',
  ],
  { cwd: pkgDir, stdio: 'inherit' },
);
console.log(`generated ${outDir}`);
