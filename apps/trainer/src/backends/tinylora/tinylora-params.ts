/**
 * A tinylora trial's params_json → the engine's TinyLoraTrial, checked field by field so a bad
 * request says which param is wrong (`params.adapter.rank: must be at least 1`).
 *
 * The shape is what libs/spec's planSweep writes for a tinylora trial (sections normalized, one value
 * per axis); the spec's free-form `params` land at the top level, and the only one this backend
 * reads is `evalEvery` — any other top-level key is refused rather than silently ignored.
 */
import { adapterMethod, adapterMethodNames, type TinyLoraTrial } from '@tinysweep/engine';
import { z } from 'zod';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ error: (iss) => (iss.input === undefined ? 'required' : `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`} (got ${JSON.stringify(iss.input)})`) })
    .int({ error: (iss) => `must be an integer (got ${JSON.stringify(iss.input)})` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const positive = z.number({ error: 'must be a number' }).positive({ error: 'must be greater than 0' });
const unit = z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be in [0, 1)' }).lt(1, { error: 'must be in [0, 1)' });

const trialSchema = z.strictObject({
  model: z.strictObject({ path: z.string({ error: 'required: the base model path' }).min(1, { error: 'must not be empty' }) }),
  task: z.looseObject({
    kind: z.string({ error: 'required: the task kind' }),
    objective: z.enum(['reward', 'nll'], { error: "must be 'reward' or 'nll'" }).optional(),
    maxNewTokens: int(1).optional(),
    fewShot: int(0).optional(),
    chat: z.boolean({ error: 'must be true or false' }).optional(),
    trainSize: int(0).optional(),
    evalSize: int(0).optional(),
  }),
  // The adapter section is the method's (adapters/methods/<method>/config.ts), chosen by `method`.
  adapter: z.unknown().superRefine((value, ctx) => {
    const name = typeof value === 'object' && value !== null && 'method' in value ? (value as { method: unknown }).method : undefined;
    if (name !== undefined && (typeof name !== 'string' || !adapterMethodNames().includes(name))) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `must be one of ${adapterMethodNames().join(', ')} (got ${JSON.stringify(name)})` });
      return;
    }
    const parsed = adapterMethod(name as string | undefined).trialSchema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
  }),
  prune: z.strictObject({ threshold: unit, retrainIterations: int(0).optional() }).optional(),
  optimizer: z.strictObject({
    kind: z.enum(['es', 'spsa', 'cmaes', 'grpo'], { error: 'must be es, spsa, cmaes or grpo' }),
    population: int(1).optional(),
    sigma: positive.optional(),
    lr: positive.optional(),
    iterations: int(1).optional(),
    batch: int(1).optional(),
    group: int(2).optional(),
    temperature: positive.optional(),
    kl: z.number({ error: 'must be a number' }).min(0, { error: 'must be at least 0' }).optional(),
  }),
  seed: int(0, 0xffffffff),
  evalEvery: int(0).optional(),
});

/** What {@link parseTinyLoraParams} returns: the trial, or the first problem as `field: message`. */
export type ParsedParams = { ok: true; trial: TinyLoraTrial } | { ok: false; error: string };

/** Checks a trial's params; never throws. */
export function parseTinyLoraParams(params: Record<string, unknown>): ParsedParams {
  const parsed = trialSchema.safeParse(params);
  if (parsed.success) {
    // The adapter passed its method's schema above; the method's prepare() reads it.
    const trial = parsed.data as TinyLoraTrial;
    return { ok: true, trial };
  }
  const issue = parsed.error.issues[0];
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const where = path === '' ? '' : `${path}.`;
    const known = path === '' ? ' (a tinylora trial takes model, task, adapter, prune, optimizer, seed and the param evalEvery)' : '';
    const method = (params.adapter as { method?: unknown } | undefined)?.method;
    if (path === 'adapter' && typeof method === 'string') return { ok: false, error: `params.adapter.${issue.keys[0]}: does not apply to adapter.method ${method}` };
    return { ok: false, error: `params.${where}${issue.keys[0]}: unknown parameter for the tinylora backend${known}` };
  }
  return { ok: false, error: `params.${path || '(root)'}: ${issue.message}` };
}
