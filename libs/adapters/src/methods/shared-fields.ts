/**
 * The zod pieces every method's config uses for a trial's adapter section (one value per field, as
 * libs/spec's expansion writes it), so a bad request names its field the same way for each method.
 */
import { checkLayerSelector, MODULE_ORDER, type LayerSelector, type ModuleName } from '@tinysweep/tinylora';
import { z } from 'zod';

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: (iss) => (iss.input === undefined ? 'required' : `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`} (got ${JSON.stringify(iss.input)})`) })
    .int({ error: (iss) => `must be an integer (got ${JSON.stringify(iss.input)})` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

export const positive = z.number({ error: 'must be a number' }).positive({ error: 'must be greater than 0' });

export const modules = z
  .array(z.enum(MODULE_ORDER as readonly ModuleName[] as [ModuleName, ...ModuleName[]], { error: `must be one of ${MODULE_ORDER.join(', ')}` }))
  .min(1, { error: 'must list at least one module' });

export const layers = z
  .union([z.string(), z.array(int(0, 4095)).min(1)], { error: 'must be a layer selector (all, first:k, last:k, every:k, a-b) or a list of block indices' })
  .transform((sel, ctx): LayerSelector => {
    try {
      checkLayerSelector(sel as LayerSelector); // the syntax; whether the model has the blocks is checked on the model
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
    return sel as LayerSelector;
  });

/** Parses `adapter` with a method's schema, throwing an Error `adapter.<field>: message`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const unknown = issue.code === 'unrecognized_keys';
  const field = ['adapter', ...issue.path.map(String), ...(unknown ? [issue.keys[0]!] : [])].join('.');
  throw new Error(`${field}: ${unknown ? 'does not apply to this adapter method' : issue.message}`);
}
