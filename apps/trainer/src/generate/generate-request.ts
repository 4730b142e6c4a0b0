/**
 * A Generate request checked before any model work: within GENERATE_LIMITS, JSON fields parsed.
 * Every refusal names the field as the client sent it (`prompts[2]`, `maxNewTokens`, `params`).
 */
import { GENERATE_LIMITS, type GenerateRequest__Output } from '@tinysweep/proto';
import type { GenerateBackendRequest } from '../backends/backend.js';
import { GenerateRequestError } from '../backends/generate-request-error.js';

/** What a backend gets, plus which backend. */
export interface CheckedGenerateRequest extends Omit<GenerateBackendRequest, 'workdir'> {
  backend: string;
}

const invalid = (field: string, problem: string) => new GenerateRequestError('invalid-argument', field, problem);

/** Checks `req`; throws a GenerateRequestError (`invalid-argument`) naming the first bad field. */
export function checkGenerateRequest(req: GenerateRequest__Output): CheckedGenerateRequest {
  const { maxPrompts, maxPromptChars, maxNewTokens } = GENERATE_LIMITS;
  if (req.backend === '') throw invalid('backend', 'required (the trial\'s backend, e.g. "tinylora")');
  if (req.prompts.length === 0) throw invalid('prompts', 'must hold at least one prompt');
  if (req.prompts.length > maxPrompts) throw invalid('prompts', `at most ${maxPrompts} per call (got ${req.prompts.length})`);
  req.prompts.forEach((p, i) => {
    if (p.trim() === '') throw invalid(`prompts[${i}]`, 'must not be empty');
    if (p.length > maxPromptChars) throw invalid(`prompts[${i}]`, `at most ${maxPromptChars} characters (got ${p.length})`);
  });
  const tokens = req.maxNewTokens;
  if (!Number.isInteger(tokens) || tokens < 0 || tokens > maxNewTokens) throw invalid('maxNewTokens', `must be from 1 to ${maxNewTokens}, or 0 for the trial's own (got ${tokens})`);
  if (req.adapterJson.trim() === '') throw invalid('adapter', 'required: the trial\'s adapter file');
  return { backend: req.backend, params: parseParams(req.paramsJson), adapterJson: req.adapterJson, prompts: req.prompts, maxNewTokens: tokens === 0 ? undefined : tokens };
}

function parseParams(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid('params', `not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('params', 'must be a JSON object (the trial\'s parameters)');
  return value as Record<string, unknown>;
}
