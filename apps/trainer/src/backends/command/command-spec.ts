import { z } from 'zod';

/**
 * The spec's backend section for `kind: command`:
 *
 * ```yaml
 * backend:
 *   kind: command
 *   command: python train.py --lr {lr} --rank {adapter.rank} --seed {seed}   # or a list of args
 *   cwd: experiments/tiny          # relative to the trainer's TINYSWEEP_WORKDIR
 *   env: { CUDA_VISIBLE_DEVICES: "0" }
 * ```
 */
export const commandSpecSchema = z.object({
  kind: z.literal('command').optional(),
  /** argv as a list, or a string split on whitespace (no shell, no quoting). */
  command: z.union([z.string().trim().min(1, 'command must not be empty'), z.array(z.string()).min(1, 'command must not be empty')]),
  cwd: z.string().min(1).optional(),
  /** Extra environment; numbers and booleans are stringified. */
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
});

export type CommandSpec = z.infer<typeof commandSpecSchema>;

/** Parses backend_json for the command backend; throws an Error naming the bad fields. */
export function parseCommandSpec(spec: unknown): CommandSpec {
  const parsed = commandSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'backend'}: ${i.message}`);
    throw new Error(`invalid command backend: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** The argv list of a spec: the string form split on whitespace. */
export function commandArgv(spec: CommandSpec): string[] {
  return typeof spec.command === 'string' ? spec.command.trim().split(/\s+/) : [...spec.command];
}
