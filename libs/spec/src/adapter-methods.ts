/**
 * `adapter.method`: which adapter method a trial trains, and the spec fields each method reads
 * besides `modules`, `layers` and `rank` (with the kind of value and the default) — read from the
 * methods themselves (@tinysweep/adapters' registry), so a new method is a folder there and one
 * registry line, and nothing here. A field's kind picks its parser (adapter-spec.ts).
 */
import { adapterMethod, adapterMethodNames, DEFAULT_ADAPTER_METHOD, type MethodField, type SpecFieldKind } from '@tinysweep/adapters';

export { DEFAULT_ADAPTER_METHOD };

/** How a method's field is written in a spec (each kind takes a scalar or a list; numbers also a range). */
export type MethodFieldKind = SpecFieldKind;

/** One method-specific field. */
export type MethodFieldSpec = MethodField;

/** Method → its own adapter fields (its AdapterMethod.fields), in registration order. */
export const ADAPTER_METHOD_FIELDS: Readonly<Record<string, Readonly<Record<string, MethodFieldSpec>>>> = Object.fromEntries(
  adapterMethodNames().map((m) => [m, adapterMethod(m).fields]),
);

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
