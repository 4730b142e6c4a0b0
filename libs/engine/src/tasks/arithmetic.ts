/**
 * A generated arithmetic task: `a op b` with integer operands, seeded, exact match of the integer
 * result. Small and fast, for demo models and for checking that a trainer learns anything at all.
 *
 *   new ArithmeticTask({ seed: 1, ops: ['*'], min: 10, max: 99 }).load()
 *   // train[0] = { prompt: '47 * 12 =', target: '564', … }
 */
import { withoutUndefined } from '../defaults.js';
import { asObject, readJsonl } from './jsonl.js';
import { NoiseDomain, createRng, streamSeed } from '../random.js';
import type { ArithmeticOp, ArithmeticOptions } from './interfaces/arithmetic-options.js';
import { checkSize, firstN, type Example, type Task, type TaskLoadOptions, type TaskSplits } from './task.js';

type ResolvedOptions = Required<Omit<ArithmeticOptions, 'heldOut'>> & Pick<ArithmeticOptions, 'heldOut'>;

const OPS: readonly ArithmeticOp[] = ['+', '-', '*', '/'];
/** Draws tried per problem wanted before giving up on finding distinct problems. */
const ATTEMPTS_PER_PROBLEM = 50;

export class ArithmeticTask implements Task {
  readonly name = 'arithmetic';
  readonly outputType = 'generate_until' as const;
  readonly options: Readonly<ResolvedOptions>;

  constructor(opts: ArithmeticOptions = {}) {
    const o: ResolvedOptions = {
      seed: 0,
      trainSize: 1000,
      evalSize: 200,
      ops: ['+', '-', '*'],
      min: 0,
      max: 99,
      template: '{a} {op} {b} =',
      answer: 'last',
      stopStrings: ['\n'],
      ...withoutUndefined(opts),
    };
    if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2^32) (got ${o.seed})`);
    checkSize('trainSize', o.trainSize);
    checkSize('evalSize', o.evalSize);
    if (!Array.isArray(o.ops) || o.ops.length === 0) throw new Error('ops must be a non-empty list of operators');
    for (const op of o.ops) if (!OPS.includes(op)) throw new Error(`ops must hold only ${OPS.map((x) => `'${x}'`).join(', ')} (got ${JSON.stringify(op)})`);
    if (!Number.isSafeInteger(o.min) || !Number.isSafeInteger(o.max) || o.min > o.max) throw new Error(`min and max must be integers with min ≤ max (got ${o.min}, ${o.max})`);
    if (o.ops.includes('/') && o.max < 1) throw new Error(`max must be at least 1 when ops include '/' (got ${o.max})`);
    if (typeof o.template !== 'string' || !['{a}', '{op}', '{b}'].every((p) => o.template.includes(p))) throw new Error('template must contain {a}, {op} and {b}');
    if (o.answer !== 'first' && o.answer !== 'last') throw new Error(`answer must be 'first' or 'last' (got ${JSON.stringify(o.answer)})`);
    if (!Array.isArray(o.stopStrings) || o.stopStrings.some((s) => typeof s !== 'string')) throw new Error('stopStrings must be a list of strings');
    this.options = Object.freeze(o);
  }

  get stopStrings(): readonly string[] {
    return this.options.stopStrings;
  }

  /** Train and eval problems; train and eval never share a problem. `opts` sizes take the first N. */
  load(opts: TaskLoadOptions = {}): TaskSplits | Promise<TaskSplits> {
    const o = this.options;
    const trainSize = checkSize('trainSize', opts.trainSize);
    const evalSize = checkSize('evalSize', opts.evalSize);
    if (o.heldOut !== undefined) return this.loadWithHeldOut(o.heldOut, trainSize, evalSize);
    // A size asked for at load time may exceed the task's own: draw enough, then take the first N
    // (so a smaller size is a prefix of the default draw).
    const seen = new Set<string>();
    const train = this.draw('train', Math.max(o.trainSize, trainSize ?? 0), streamSeed(NoiseDomain.Arithmetic, o.seed, 0), seen);
    const evalSplit = this.draw('eval', Math.max(o.evalSize, evalSize ?? 0), streamSeed(NoiseDomain.Arithmetic, o.seed, 1), seen);
    return { train: firstN(train, trainSize ?? o.trainSize), eval: firstN(evalSplit, evalSize ?? o.evalSize) };
  }

  /** Eval from the held-out file (seeded shuffle), train generated around it. */
  private async loadWithHeldOut(path: string, trainSize: number | undefined, evalSize: number | undefined): Promise<TaskSplits> {
    const o = this.options;
    const evalCount = evalSize ?? o.evalSize;
    const records = (await readJsonl(path)).map(({ line, value }): Example => {
      const rec = asObject(value, `${path}:${line}`);
      if (typeof rec.prompt !== 'string' || typeof rec.target !== 'string') throw new Error(`${path}:${line}: expected string fields "prompt" and "target"`);
      return { id: `arith:heldout:${line}`, prompt: rec.prompt, target: rec.target };
    });
    if (records.length < evalCount) throw new Error(`${path} holds ${records.length} problems; evalSize is ${evalCount}`);
    const excluded = new Set(records.map((r) => r.prompt));
    const train = this.draw('train', Math.max(o.trainSize, trainSize ?? 0), streamSeed(NoiseDomain.Arithmetic, o.seed, 0), new Set(), excluded);
    const rng = createRng(streamSeed(NoiseDomain.Arithmetic, o.seed, 1));
    for (let i = records.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [records[i], records[j]] = [records[j], records[i]];
    }
    return { train: firstN(train, trainSize ?? o.trainSize), eval: records.slice(0, evalCount) };
  }

  /** 1 when the first or last integer in the completion (commas allowed as thousands separators) equals the result. */
  reward(completion: string, ex: Example): number {
    const ints = completion.match(/-?\d[\d,]*/g);
    if (!ints) return 0;
    const pick = this.options.answer === 'first' ? ints[0] : ints[ints.length - 1];
    return pick.replace(/,/g, '').replace(/^-0+$/, '0') === ex.target ? 1 : 0;
  }

  private draw(split: 'train' | 'eval', count: number, seed: number, seen: Set<string>, excludedPrompts: ReadonlySet<string> = new Set()): Example[] {
    const o = this.options;
    const rng = createRng(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
    const out: Example[] = [];
    for (let attempt = 0; out.length < count; attempt++) {
      if (attempt >= count * ATTEMPTS_PER_PROBLEM) {
        throw new Error(`cannot draw ${count} distinct ${split} problems from ops ${o.ops.join(' ')} on [${o.min}, ${o.max}]: widen min/max or lower ${split}Size`);
      }
      const op = o.ops[Math.floor(rng.next() * o.ops.length)];
      let a: number;
      let b: number;
      let result: number;
      if (op === '/') {
        b = int(Math.max(1, o.min), o.max);
        const q = int(Math.max(1, o.min), o.max);
        a = b * q;
        result = q;
      } else {
        a = int(o.min, o.max);
        b = int(o.min, o.max);
        result = op === '+' ? a + b : op === '-' ? a - b : a * b;
      }
      const key = `${a} ${op} ${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const prompt = o.template.replaceAll('{a}', String(a)).replaceAll('{op}', op).replaceAll('{b}', String(b));
      if (excludedPrompts.has(prompt)) continue;
      out.push({ id: `arith:${split}:${out.length}`, prompt, target: String(result), meta: { a, b, op } });
    }
    return out;
  }
}
