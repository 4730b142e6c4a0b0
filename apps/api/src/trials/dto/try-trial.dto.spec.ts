import { describe, expect, it } from 'vitest';
import { TryTrialBody } from './try-trial.dto.js';

const issue = (body: unknown) => {
  const r = TryTrialBody.safeParse(body);
  return r.success ? null : { path: r.error.issues[0]!.path.join('.'), message: r.error.issues[0]!.message };
};

describe('TryTrialBody', () => {
  it('takes one prompt or a list, and maxNewTokens', () => {
    expect(TryTrialBody.parse({ prompt: 'Once' })).toEqual({ prompts: ['Once'], single: true, maxNewTokens: undefined });
    expect(TryTrialBody.parse({ prompts: ['a', 'b'], maxNewTokens: 32 })).toEqual({ prompts: ['a', 'b'], single: false, maxNewTokens: 32 });
  });

  it.each([
    [{}, 'prompt', 'give either prompt or prompts'],
    [{ prompt: 'a', prompts: ['b'] }, 'prompt', 'give either prompt or prompts'],
    [{ prompt: '   ' }, 'prompt', 'must not be empty'],
    [{ prompt: 3 }, 'prompt', 'must be a string'],
    [{ prompt: 'x'.repeat(2001) }, 'prompt', 'must be at most 2000 characters'],
    [{ prompts: [] }, 'prompts', 'must hold at least one prompt'],
    [{ prompts: Array.from({ length: 9 }, () => 'a') }, 'prompts', 'at most 8 prompts per call'],
    [{ prompts: ['a', ''] }, 'prompts.1', 'must not be empty'],
    [{ prompt: 'a', maxNewTokens: 0 }, 'maxNewTokens', 'must be at least 1'],
    [{ prompt: 'a', maxNewTokens: 257 }, 'maxNewTokens', 'must be at most 256'],
    [{ prompt: 'a', maxNewTokens: 1.5 }, 'maxNewTokens', 'must be an integer'],
  ])('refuses %j at %s', (body, path, message) => {
    expect(issue(body)).toEqual({ path, message });
  });

  it('refuses unknown keys', () => {
    expect(issue({ prompt: 'a', temperature: 1 })?.message).toMatch(/temperature/);
  });
});
