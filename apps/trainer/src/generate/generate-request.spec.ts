import { GENERATE_LIMITS, type GenerateRequest__Output } from '@tinysweep/proto';
import { describe, expect, it } from 'vitest';
import { GenerateRequestError } from '../backends/generate-request-error.js';
import { checkGenerateRequest } from './generate-request.js';

const ok: GenerateRequest__Output = { backend: 'tinylora', paramsJson: '{"seed":1}', adapterJson: '{"format":"x"}', prompts: ['Once upon a time'], maxNewTokens: 0 };

describe('checkGenerateRequest', () => {
  it('parses the params and leaves maxNewTokens to the trial when 0', () => {
    expect(checkGenerateRequest(ok)).toEqual({ backend: 'tinylora', params: { seed: 1 }, adapterJson: '{"format":"x"}', prompts: ['Once upon a time'], maxNewTokens: undefined });
    expect(checkGenerateRequest({ ...ok, maxNewTokens: GENERATE_LIMITS.maxNewTokens }).maxNewTokens).toBe(GENERATE_LIMITS.maxNewTokens);
  });

  it.each<[Partial<GenerateRequest__Output>, string, RegExp]>([
    [{ backend: '' }, 'backend', /required/],
    [{ prompts: [] }, 'prompts', /at least one/],
    [{ prompts: Array.from({ length: GENERATE_LIMITS.maxPrompts + 1 }, () => 'a') }, 'prompts', /at most 8 per call \(got 9\)/],
    [{ prompts: ['a', '  '] }, 'prompts[1]', /must not be empty/],
    [{ prompts: ['x'.repeat(GENERATE_LIMITS.maxPromptChars + 1)] }, 'prompts[0]', /at most 2000 characters \(got 2001\)/],
    [{ maxNewTokens: GENERATE_LIMITS.maxNewTokens + 1 }, 'maxNewTokens', /from 1 to 256/],
    [{ maxNewTokens: -1 }, 'maxNewTokens', /from 1 to 256/],
    [{ adapterJson: '' }, 'adapter', /required/],
    [{ paramsJson: '{nope' }, 'params', /not JSON/],
    [{ paramsJson: '[1]' }, 'params', /JSON object/],
  ])('refuses %j naming %s', (over, field, problem) => {
    let thrown: unknown;
    try {
      checkGenerateRequest({ ...ok, ...over });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GenerateRequestError);
    expect(thrown).toMatchObject({ refusal: 'invalid-argument', field, problem: expect.stringMatching(problem) });
    expect((thrown as Error).message.startsWith(`${field}: `)).toBe(true);
  });
});
