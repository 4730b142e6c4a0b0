/**
 * Compares Prisma's view of the schema (DMMF from prisma/schema.prisma) with what the SQL
 * migrations built in a real database (its catalog), and lists every difference in words.
 * Used by schema-matches-migrations.test.ts.
 */
import pg from 'pg';
import type { DmmfDatamodel, DmmfField, DmmfModel } from '../support/prisma-dmmf.js';

export interface CatalogColumn {
  table_name: string;
  column_name: string;
  is_nullable: 'YES' | 'NO';
  data_type: string;
  udt_name: string;
  column_default: string | null;
  datetime_precision: number | null;
  character_maximum_length: number | null;
}
export interface CatalogIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
}
export interface CatalogForeignKey {
  name: string;
  table: string;
  ref_table: string;
  confdeltype: string;
  columns: string[];
  ref_columns: string[];
}
export interface Catalog {
  tables: string[];
  columns: CatalogColumn[];
  enums: Map<string, string[]>;
  indexes: CatalogIndex[];
  foreignKeys: CatalogForeignKey[];
}

/** Tables that are bookkeeping, not models. */
const NOT_MODELS = new Set(['_prisma_migrations']);

/** Reads the public schema's tables, columns, enums, indexes and foreign keys. */
export async function readCatalog(databaseUrl: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const columns = await client.query<CatalogColumn>(
      `SELECT table_name, column_name, is_nullable, data_type, udt_name, column_default, datetime_precision,
              character_maximum_length
         FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const enumRows = await client.query<{ name: string; value: string }>(
      `SELECT t.typname AS name, e.enumlabel AS value
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
    );
    const indexes = await client.query<CatalogIndex>(
      `SELECT t.relname AS "table", i.relname AS name, ix.indisunique AS "unique", ix.indisprimary AS "primary",
              array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'`,
    );
    const foreignKeys = await client.query<CatalogForeignKey>(
      `SELECT c.conname AS name, t.relname AS "table", r.relname AS ref_table, c.confdeltype::text AS confdeltype,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS ref_columns
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'`,
    );
    const enums = new Map<string, string[]>();
    for (const row of enumRows.rows) enums.set(row.name, [...(enums.get(row.name) ?? []), row.value]);
    return {
      tables: tables.rows.map((r) => r.table_name),
      columns: columns.rows,
      enums,
      indexes: indexes.rows,
      foreignKeys: foreignKeys.rows,
    };
  } finally {
    await client.end();
  }
}

// Postgres type (udt_name) of each Prisma native type, and of each scalar without one.
const NATIVE_UDT: Record<string, string> = {
  Text: 'text', VarChar: 'varchar', Char: 'bpchar', Uuid: 'uuid', Citext: 'citext', Inet: 'inet', Xml: 'xml',
  Bit: 'bit', VarBit: 'varbit', SmallInt: 'int2', Integer: 'int4', BigInt: 'int8', Oid: 'oid',
  DoublePrecision: 'float8', Real: 'float4', Decimal: 'numeric', Money: 'money', Timestamp: 'timestamp',
  Timestamptz: 'timestamptz', Date: 'date', Time: 'time', Timetz: 'timetz', Boolean: 'bool', Json: 'json',
  JsonB: 'jsonb', ByteA: 'bytea',
};
const SCALAR_UDT: Record<string, string> = {
  String: 'text', Int: 'int4', BigInt: 'int8', Float: 'float8', Decimal: 'numeric', Boolean: 'bool',
  DateTime: 'timestamp', Json: 'jsonb', Bytes: 'bytea',
};
// Postgres' pg_constraint.confdeltype for each Prisma referential action.
const DELETE_ACTION: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };
// Defaults Prisma computes in the client, which leave no default in the database.
const CLIENT_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
const columnOf = (field: DmmfField): string => field.dbName ?? field.name;
const columnsOf = (model: DmmfModel, names: string[]): string[] =>
  names.map((name) => {
    const field = model.fields.find((f) => f.name === name);
    return field === undefined ? name : columnOf(field);
  });

function expectedUdt(field: DmmfField, dm: DmmfDatamodel): string {
  if (field.kind === 'enum') {
    const e = dm.enums.find((x) => x.name === field.type);
    return e?.dbName ?? field.type;
  }
  const native = field.nativeType?.[0];
  return (native !== undefined ? NATIVE_UDT[native] : undefined) ?? SCALAR_UDT[field.type] ?? field.type.toLowerCase();
}

/** The literal a column default holds, without casts and quotes (`'queued'::"SweepStatus"` → queued). */
function defaultLiteral(columnDefault: string): string {
  let value = columnDefault.trim();
  for (;;) {
    const cast = value.match(/^(.*)::[\w" ]+(\[\])?$/s);
    if (cast === null) break;
    value = cast[1]!.trim();
  }
  if (value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1).replaceAll("''", "'");
  return value;
}

function checkDefault(where: string, field: DmmfField, column: CatalogColumn, problems: string[]): void {
  const def = field.default as { name?: string; args?: unknown[] } | string | number | boolean | undefined;
  const dbDefault = column.column_default;
  if (field.isUpdatedAt || def === undefined) {
    if (dbDefault !== null && !(field.isId && dbDefault.startsWith('nextval('))) {
      problems.push(`${where}: database default ${dbDefault} but the schema has none`);
    }
    return;
  }
  if (typeof def === 'object' && def !== null && !Array.isArray(def)) {
    const name = def.name ?? '';
    if (CLIENT_DEFAULTS.has(name)) {
      if (dbDefault !== null) problems.push(`${where}: database default ${dbDefault} but @default(${name}()) is computed by the client`);
    } else if (name === 'now') {
      if (dbDefault === null || !/CURRENT_TIMESTAMP|now\(\)/i.test(dbDefault)) {
        problems.push(`${where}: expected DEFAULT CURRENT_TIMESTAMP for @default(now()), database has ${dbDefault}`);
      }
    } else if (name === 'autoincrement') {
      if (dbDefault === null || !dbDefault.startsWith('nextval(')) problems.push(`${where}: expected a sequence default for @default(autoincrement())`);
    } else if (dbDefault === null) {
      problems.push(`${where}: expected a database default for @default(${name}(…)), database has none`);
    }
    return;
  }
  if (Array.isArray(def)) {
    if (dbDefault === null) problems.push(`${where}: expected a database default for the list default`);
    return;
  }
  if (dbDefault === null) {
    problems.push(`${where}: expected DEFAULT ${JSON.stringify(def)}, database has none`);
  } else if (defaultLiteral(dbDefault) !== String(def)) {
    problems.push(`${where}: expected DEFAULT ${JSON.stringify(def)}, database has ${dbDefault}`);
  }
}

/** Every difference between the DMMF and the catalog, as sentences (empty when they agree). */
export function diffSchema(dm: DmmfDatamodel, catalog: Catalog): string[] {
  const problems: string[] = [];
  const modelTables = new Set(dm.models.map(tableOf));

  // Tables.
  for (const model of dm.models) {
    if (!catalog.tables.includes(tableOf(model))) problems.push(`model ${model.name}: table "${tableOf(model)}" is missing`);
  }
  for (const table of catalog.tables) {
    if (!modelTables.has(table) && !NOT_MODELS.has(table)) problems.push(`table "${table}" exists but no model maps to it`);
  }

  // Columns: presence, type, nullability, default; and no extra columns.
  for (const model of dm.models) {
    const table = tableOf(model);
    if (!catalog.tables.includes(table)) continue;
    const tableColumns = catalog.columns.filter((c) => c.table_name === table);
    const scalarFields = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    for (const field of scalarFields) {
      const where = `${model.name}.${field.name} ("${table}"."${columnOf(field)}")`;
      const column = tableColumns.find((c) => c.column_name === columnOf(field));
      if (column === undefined) {
        problems.push(`${where}: column is missing (a field without a migration?)`);
        continue;
      }
      const udt = expectedUdt(field, dm);
      const actualUdt = column.udt_name;
      if (field.isList) {
        if (actualUdt !== `_${udt}`) problems.push(`${where}: expected ${udt}[] , database has ${column.data_type} (${actualUdt})`);
      } else if (actualUdt !== udt) {
        problems.push(`${where}: expected type ${udt}, database has ${column.data_type} (${actualUdt})`);
      }
      // Prisma creates scalar lists without NOT NULL even though the field is required.
      if (!field.isList) {
        const nullable = column.is_nullable === 'YES';
        if (nullable === field.isRequired) {
          problems.push(`${where}: schema says ${field.isRequired ? 'required' : 'optional'}, column is ${nullable ? 'NULL' : 'NOT NULL'}`);
        }
      }
      if (udt === 'timestamp' || udt === 'timestamptz' || udt === 'time' || udt === 'timetz') {
        const args = field.nativeType?.[1] ?? [];
        const precision = args[0] !== undefined ? Number(args[0]) : field.nativeType ? 6 : 3;
        if (!field.isList && column.datetime_precision !== precision) {
          problems.push(`${where}: expected precision ${precision}, database has ${column.datetime_precision}`);
        }
      }
      if (udt === 'varchar' || udt === 'bpchar') {
        const length = field.nativeType?.[1]?.[0];
        const expected = length !== undefined ? Number(length) : udt === 'bpchar' ? 1 : null;
        if (column.character_maximum_length !== expected) {
          problems.push(`${where}: expected length ${expected}, database has ${column.character_maximum_length}`);
        }
      }
      checkDefault(where, field, column, problems);
    }
    const known = new Set(scalarFields.map(columnOf));
    for (const column of tableColumns) {
      if (!known.has(column.column_name)) problems.push(`"${table}"."${column.column_name}": column exists but model ${model.name} has no field for it`);
    }
  }

  // Enums.
  for (const e of dm.enums) {
    const name = e.dbName ?? e.name;
    const expected = e.values.map((v) => v.dbName ?? v.name);
    const actual = catalog.enums.get(name);
    if (actual === undefined) problems.push(`enum ${e.name}: type "${name}" is missing`);
    else if (actual.join(',') !== expected.join(',')) {
      problems.push(`enum ${e.name}: expected values ${expected.join(', ')}, database has ${actual.join(', ')}`);
    }
  }
  const schemaEnums = new Set(dm.enums.map((e) => e.dbName ?? e.name));
  for (const name of catalog.enums.keys()) {
    if (!schemaEnums.has(name)) problems.push(`enum type "${name}" exists but the schema has no such enum`);
  }

  // Primary keys, unique constraints, indexes (compared by columns, in order).
  const key = (table: string, columns: string[]): string => `${table}(${columns.join(', ')})`;
  for (const index of dm.indexes) {
    const model = dm.models.find((m) => m.name === index.model);
    if (model === undefined || index.type === 'fulltext') continue;
    const table = tableOf(model);
    const columns = columnsOf(model, index.fields.map((f) => f.name));
    const match = catalog.indexes.find(
      (ix) =>
        ix.table === table &&
        ix.columns.join(',') === columns.join(',') &&
        (index.type === 'id' ? ix.primary : index.type === 'unique' ? ix.unique && !ix.primary : !ix.unique),
    );
    const what = index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique index' : 'index';
    if (match === undefined) problems.push(`model ${model.name}: ${what} on ${key(table, columns)} is missing`);
  }
  for (const ix of catalog.indexes) {
    if (NOT_MODELS.has(ix.table) || !modelTables.has(ix.table)) continue;
    const model = dm.models.find((m) => tableOf(m) === ix.table)!;
    const declared = dm.indexes.some(
      (index) =>
        index.model === model.name &&
        columnsOf(model, index.fields.map((f) => f.name)).join(',') === ix.columns.join(',') &&
        (index.type === 'id') === ix.primary &&
        (index.type === 'id' || index.type === 'unique') === ix.unique,
    );
    if (!declared) problems.push(`index "${ix.name}" on ${key(ix.table, ix.columns)} exists but the schema does not declare it`);
  }

  // Foreign keys (relation fields that hold the reference).
  for (const model of dm.models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || (field.relationFromFields ?? []).length === 0) continue;
      const target = dm.models.find((m) => m.name === field.type)!;
      const table = tableOf(model);
      const columns = columnsOf(model, field.relationFromFields!);
      const refColumns = columnsOf(target, field.relationToFields ?? []);
      const fk = catalog.foreignKeys.find(
        (f) => f.table === table && f.columns.join(',') === columns.join(',') && f.ref_table === tableOf(target),
      );
      const where = `${model.name}.${field.name}`;
      if (fk === undefined) {
        problems.push(`${where}: foreign key ${key(table, columns)} → ${key(tableOf(target), refColumns)} is missing`);
        continue;
      }
      if (fk.ref_columns.join(',') !== refColumns.join(',')) {
        problems.push(`${where}: foreign key references ${fk.ref_columns.join(', ')}, schema says ${refColumns.join(', ')}`);
      }
      const fromFieldsRequired = field.relationFromFields!.every((n) => model.fields.find((f) => f.name === n)?.isRequired);
      const onDelete = field.relationOnDelete ?? (fromFieldsRequired ? 'Restrict' : 'SetNull');
      if (DELETE_ACTION[onDelete] !== fk.confdeltype) {
        problems.push(`${where}: expected ON DELETE ${onDelete}, database has confdeltype '${fk.confdeltype}'`);
      }
    }
  }
  for (const fk of catalog.foreignKeys) {
    if (!modelTables.has(fk.table)) continue;
    const model = dm.models.find((m) => tableOf(m) === fk.table)!;
    const declared = model.fields.some(
      (f) => f.kind === 'object' && columnsOf(model, f.relationFromFields ?? []).join(',') === fk.columns.join(','),
    );
    if (!declared) problems.push(`foreign key "${fk.name}" on ${key(fk.table, fk.columns)} exists but the schema has no relation for it`);
  }

  return problems;
}
