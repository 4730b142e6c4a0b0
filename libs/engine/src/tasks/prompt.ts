/**
 * Prompt building, the way lm-evaluation-harness lays prompts out, so scores are comparable:
 *
 *   plain:  shot₁.prompt + " " + shot₁.target + "\n\n" + … + "\n\n" + ex.prompt
 *           (doc_to_text + target_delimiter + doc_to_target, joined by fewshot_delimiter)
 *   chat:   chatTemplate([system?, user: shot₁.prompt, assistant: shot₁.target, …, user: ex.prompt])
 *           (lm-eval's --apply_chat_template --fewshot_as_multiturn)
 *
 * The chat template is a function the caller supplies — libs/model's applyChatTemplate, bound to a
 * model's template and told to add the generation prompt — so this file knows no model.
 */
import { NoiseDomain, permutation, streamSeed } from '../random.js';
import type { Example } from './task.js';

/** One chat turn. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Renders messages into the model's prompt text, ending where the assistant's reply begins. */
export type ChatTemplate = (messages: ChatMessage[]) => string;

/** How {@link buildPrompt} lays out a prompt. */
export interface PromptOptions {
  /**
   * Few-shot examples shown before the question (see {@link selectShots}).
   * @defaultValue `[]` (zero-shot)
   */
  shots?: readonly Example[];
  /**
   * Render through a chat template instead of plain text.
   * @defaultValue none (plain text)
   */
  chatTemplate?: ChatTemplate;
  /**
   * System message (chat only).
   * @defaultValue none
   */
  system?: string;
  /**
   * Chat only: each shot as a user/assistant turn pair (true), or the whole plain few-shot text as one user message (false).
   * @defaultValue `true`
   */
  multiturn?: boolean;
  /**
   * Between a prompt and its target (lm-eval's `target_delimiter`).
   * @defaultValue `' '`
   */
  targetDelimiter?: string;
  /**
   * Between examples (lm-eval's `fewshot_delimiter`).
   * @defaultValue `'\n\n'`
   */
  fewshotDelimiter?: string;
}

/** The prompt for `ex` with `opts.shots` in front, as plain text or through a chat template. */
export function buildPrompt(ex: Example, opts: PromptOptions = {}): string {
  const { shots = [], chatTemplate, system, multiturn = true, targetDelimiter = ' ', fewshotDelimiter = '\n\n' } = opts;
  const plain = () => shots.map((s) => s.prompt + targetDelimiter + s.target + fewshotDelimiter).join('') + ex.prompt;
  if (!chatTemplate) return plain();
  const messages: ChatMessage[] = system === undefined ? [] : [{ role: 'system', content: system }];
  if (multiturn) {
    for (const s of shots) messages.push({ role: 'user', content: s.prompt }, { role: 'assistant', content: s.target });
    messages.push({ role: 'user', content: ex.prompt });
  } else {
    messages.push({ role: 'user', content: plain() });
  }
  return chatTemplate(messages);
}

/** How {@link selectShots} draws. */
export interface ShotOptions {
  /**
   * Seed of the draw. The same seed gives the same shots for every example (one fixed prefix, which
   * a KV cache can share); pass a per-example seed for lm-eval-style variety.
   * @defaultValue `0`
   */
  seed?: number;
  /** Never pick this example id (the question itself, when shots come from the same split). */
  exclude?: string;
}

/** `k` distinct examples from `pool`, drawn by a seeded shuffle (not lm-eval's exact draw: that is Python's Mersenne Twister). */
export function selectShots(pool: readonly Example[], k: number, opts: ShotOptions = {}): Example[] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer (got ${k})`);
  if (k === 0) return [];
  const candidates = opts.exclude === undefined ? pool : pool.filter((e) => e.id !== opts.exclude);
  if (candidates.length < k) throw new Error(`cannot draw ${k} few-shot examples from a pool of ${candidates.length}`);
  const order = permutation(streamSeed(NoiseDomain.Shots, opts.seed ?? 0), candidates.length);
  return order.slice(0, k).map((i) => candidates[i]);
}

/** `text` cut before the first occurrence of any stop string (lm-eval's `until`). */
export function truncateAtStop(text: string, stops: readonly string[] | undefined): string {
  let end = text.length;
  for (const s of stops ?? []) {
    if (s === '') continue;
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}
