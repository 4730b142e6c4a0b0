import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from './temp-dir.js';

/** The parts of Prisma's DMMF datamodel the schema checks read. */
export interface DmmfField {
  name: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  dbName: string | null;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  /** e.g. ['Uuid', []], ['Timestamptz', ['3']] */
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  /** Cascade, Restrict, NoAction, SetNull, SetDefault; absent = Prisma's default for the relation. */
  relationOnDelete?: string;
}
export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}
export interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}
export interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  isDefinedOnField: boolean;
  dbName: string | null;
  fields: { name: string }[];
}
export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

const execFileP = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Prisma's DMMF for a schema, offline: the schema's generators are swapped for one that dumps the
 * DMMF (prisma-dmmf-generator.mjs), and `prisma generate` runs it. Prisma parses the schema with
 * its bundled wasm engine, so this needs neither network nor the native schema engine.
 */
export async function loadDmmf(schemaPath: string): Promise<DmmfDatamodel> {
  const require = createRequire(import.meta.url);
  const prismaCli = join(require.resolve('prisma/package.json'), '..', 'build', 'index.js');
  const dir = makeTempDir('tinysweep-dmmf-');
  try {
    const source = readFileSync(schemaPath, 'utf8').replace(/^generator\s+\w+\s*\{[\s\S]*?^\}/gm, '');
    const generator = join(here, 'prisma-dmmf-generator.mjs');
    const schema = `${source}\ngenerator dmmf {\n  provider = ${JSON.stringify(`node ${generator}`)}\n  output   = "./out"\n}\n`;
    writeFileSync(join(dir.path, 'schema.prisma'), schema);
    const out = join(dir.path, 'dmmf.json');
    await execFileP(process.execPath, [prismaCli, 'generate', '--schema', 'schema.prisma'], {
      cwd: dir.path,
      env: {
        ...process.env,
        TINYSWEEP_DMMF_OUT: out,
        PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      timeout: 120_000,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as DmmfDatamodel;
  } finally {
    dir.remove();
  }
}
