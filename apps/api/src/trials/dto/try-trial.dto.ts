import { GENERATE_LIMITS } from '@tinysweep/proto';
import { z } from 'zod';

const { maxPrompts, maxPromptChars, maxNewTokens } = GENERATE_LIMITS;

const prompt = z
  .string({ error: 'must be a string' })
  .max(maxPromptChars, { error: `must be at most ${maxPromptChars} characters` })
  .refine((p) => p.trim() !== '', { error: 'must not be empty' });

/**
 * POST /trials/:id/try: one `prompt`, or up to 8 `prompts`, and optionally `maxNewTokens` (default:
 * the trial's own `task.maxNewTokens`). The bounds are the trainers' (GENERATE_LIMITS), checked here
 * first so a 400 names the field before anything crosses the wire.
 */
export const TryTrialBody = z
  .strictObject({
    prompt: prompt.optional(),
    prompts: z
      .array(prompt, { error: 'must be a list of strings' })
      .min(1, { error: 'must hold at least one prompt' })
      .max(maxPrompts, { error: `at most ${maxPrompts} prompts per call` })
      .optional(),
    maxNewTokens: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be at least 1' })
      .max(maxNewTokens, { error: `must be at most ${maxNewTokens}` })
      .optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.prompt === undefined) === (b.prompts === undefined)) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'give either prompt or prompts' });
  })
  .transform((b) => ({ prompts: b.prompts ?? [b.prompt!], single: b.prompt !== undefined, maxNewTokens: b.maxNewTokens }));
export type TryTrialBody = z.infer<typeof TryTrialBody>;
