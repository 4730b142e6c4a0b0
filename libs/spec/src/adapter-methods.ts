/**
 * `adapter.method`: which adapter method a trial trains, and which spec fields each method reads
 * besides `modules`, `layers` and `rank`. The methods themselves are folders in
 * libs/engine/src/adapters/methods/ (the control plane does not load the engine); this table mirrors
 * their `fields`, and libs/engine's methods.spec.ts fails when the two disagree.
 */

/** The method of a spec or trial that names none; its trials carry no `method` (their hashes predate methods). */
export const DEFAULT_ADAPTER_METHOD = 'tinylora';

/** Method → its own adapter fields. */
export const ADAPTER_METHOD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  tinylora: ['u', 'tie'],
  'lora-xs': [],
  lora: ['alpha'],
};

/** Every method-specific field, in spec order. */
export const METHOD_SPECIFIC_FIELDS = ['u', 'tie', 'alpha'] as const;

/** The methods that read `field`. */
export function methodsUsing(field: string): string[] {
  return Object.keys(ADAPTER_METHOD_FIELDS).filter((m) => ADAPTER_METHOD_FIELDS[m]!.includes(field));
}
