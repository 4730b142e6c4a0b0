/**
 * How a trial talks to its model — the task and its prompt layout (few-shot shots, chat template),
 * the BOS id, and the policy / codec over an open session. One place for both trainTinyLora and
 * generateSideBySide, so Try it lays prompts out and cuts completions exactly as the trial's
 * held-out evaluation did. Internal to the engine (not in the barrel).
 */
import { isAbsolute, resolve } from 'node:path';
import { applyChatTemplate, type LoadedModel } from '@tinysweep/model';
import type { DeviceSession } from '../device.js';
import type { Policy, TextCodec } from '../policy.js';
import { createTask } from '../tasks/create-task.js';
import { buildPrompt, selectShots } from '../tasks/prompt.js';
import type { Example, Task } from '../tasks/task.js';
import type { ObjectiveOptions } from './objectives.js';
import type { TrainConfig } from './tinylora-trial.js';

/** A trial's task: the task, its splits (few-shot shots taken out of train) and its prompt layout. */
export interface TrialTask {
  task: Task;
  train: Example[];
  held: Example[];
  formatPrompt: (ex: Example) => string;
}

/** `path` against `baseDir` (the trainer's workdir) unless absolute. */
export function resolvePath(baseDir: string | undefined, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
}

/** The BOS id the tokenizer itself would add, or undefined when it adds none (Qwen). */
export function bosOf(model: LoadedModel): number | undefined {
  const withBos = model.tokenizer.encode('a', { bos: true });
  return withBos.length > model.tokenizer.encode('a', { bos: false }).length ? withBos[0] : undefined;
}

/** The task, its splits, and how its prompts are laid out (few-shot, chat template). */
export async function loadTrialTask(cfg: TrainConfig, model: LoadedModel, baseDir: string | undefined): Promise<TrialTask> {
  const task: Task = createTask(cfg.task, { baseDir });
  const splits = await task.load({ trainSize: cfg.trainSize, evalSize: cfg.evalSize });
  if (cfg.fewShot > splits.train.length) throw new Error(`task.fewShot: ${cfg.fewShot} shots need as many train examples (the task has ${splits.train.length})`);
  const shots = cfg.firstShots ? splits.train.slice(0, cfg.fewShot) : selectShots(splits.train, cfg.fewShot);
  if (cfg.chat && !model.chatTemplate) throw new Error(`task.chat: the model at ${model.source} has no chat template`);
  const template = cfg.chat ? model.chatTemplate : undefined;
  const chatTemplate = template === undefined ? undefined : (messages: Parameters<typeof applyChatTemplate>[1]) => applyChatTemplate(template, messages);
  const formatPrompt = (ex: Example) => buildPrompt(ex, { shots, chatTemplate });
  // Shots come from train: training on them would show the answer in the prompt.
  const train = splits.train.filter((ex) => !shots.some((s) => s.id === ex.id));
  if (train.length === 0) throw new Error('task: has no training examples (besides the few-shot ones)');
  if (splits.eval.length === 0) throw new Error('task: has no held-out examples');
  return { task, train, held: splits.eval, formatPrompt };
}

/** The objective options of a trial on an open session: policy, codec, BOS and prompt layout. */
export function trialIo(cfg: TrainConfig, model: LoadedModel, session: DeviceSession, formatPrompt: (ex: Example) => string): ObjectiveOptions {
  const policy: Policy = { generate: (p, o) => session.greedy(p, o), logprobs: (c, x, v) => session.logprobs(c, x, v) };
  const { sample, gradient } = session;
  if (sample) policy.sample = (p, o) => sample.call(session, p, o);
  if (gradient) policy.gradient = (r) => gradient.call(session, r);
  const codec: TextCodec = { encode: (t) => model.tokenizer.encode(t, { bos: false }), decode: (ids) => model.tokenizer.decode(ids) };
  // A chat template writes its own BOS text; otherwise prepend the id the tokenizer would.
  const bosId = cfg.chat ? undefined : bosOf(model);
  return { policy, codec, bosId, formatPrompt };
}
