/**
 * `adapter.method`: which adapter method a trial trains, and the spec fields each method reads
 * besides `modules`, `layers` and `rank` (with the kind of value and the default). The methods
 * themselves are folders in libs/engine/src/adapters/methods/ (the control plane does not load the
 * engine); this table mirrors their `fields`, and libs/engine's methods.spec.ts fails when the two
 * disagree. A field's kind picks its parser (adapter-spec.ts), so a new method whose fields are of
 * these kinds needs one line here and nothing else in libs/spec.
 */

/** How a method's field is written in a spec (each kind takes a scalar or a list; numbers also a range). */
export type MethodFieldKind = 'positive-int' | 'positive-number' | 'tie';

/** One method-specific field. */
export interface MethodFieldSpec {
  kind: MethodFieldKind;
  /** Filled in when the spec leaves the field out and one of its methods reads it; absent: left out. */
  default?: unknown;
}

/** The method of a spec or trial that names none; its trials carry no `method` (their hashes predate methods). */
export const DEFAULT_ADAPTER_METHOD = 'tinylora';

/** Method → its own adapter fields (what libs/engine's AdapterMethod.fields says). */
export const ADAPTER_METHOD_FIELDS: Readonly<Record<string, Readonly<Record<string, MethodFieldSpec>>>> = {
  tinylora: { u: { kind: 'positive-int', default: 1 }, tie: { kind: 'tie', default: { mode: 'none' } } },
  'lora-xs': {},
  lora: { alpha: { kind: 'positive-number' } },
};

/** Every method-specific field with its kind, in table order (a name means one kind in every method). */
export const METHOD_SPECIFIC_FIELDS: ReadonlyMap<string, MethodFieldSpec> = (() => {
  const out = new Map<string, MethodFieldSpec>();
  for (const [method, fields] of Object.entries(ADAPTER_METHOD_FIELDS)) {
    for (const [name, spec] of Object.entries(fields)) {
      const seen = out.get(name);
      if (seen && seen.kind !== spec.kind) throw new Error(`adapter field ${name} is ${seen.kind} in one method and ${spec.kind} in ${method}`);
      if (!seen) out.set(name, spec);
    }
  }
  return out;
})();

/** The methods that read `field`. */
export function methodsUsing(field: string): string[] {
  return Object.keys(ADAPTER_METHOD_FIELDS).filter((m) => field in ADAPTER_METHOD_FIELDS[m]!);
}

/** Whether `method` reads `field`. */
export function methodReads(method: string, field: string): boolean {
  return field in (ADAPTER_METHOD_FIELDS[method] ?? {});
}
