/**
 * Checks that libs/model loads an exported demo model and decodes exactly what PyTorch decoded.
 *   npx tsx --conditions=@tinysweep/source tools/demo-model/verify-hf.ts models/demo-arith
 * golden.json (written by `demo_model.py export`) holds PyTorch's greedy completions of 16 held-out prompts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecoderSession, loadModel } from '@tinysweep/model';

const dir = process.argv[2] ?? 'models/demo-arith';
const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { prompt: string; completion: string }[];
const model = await loadModel(dir);
const session = await DecoderSession.create(model, { threads: 1 });
const prompts = golden.map((g) => model.tokenizer.encode(g.prompt, { bos: true }));
const out = await session.greedy(prompts, { maxNewTokens: 24 });
let same = 0;
golden.forEach((g, i) => {
  const text = model.tokenizer.decode(out[i]!);
  const ok = text === g.completion;
  same += ok ? 1 : 0;
  console.log(`${ok ? 'ok  ' : 'DIFF'} ${g.prompt}${text}${ok ? '' : `   (torch: ${JSON.stringify(g.completion)}, ts: ${JSON.stringify(text)})`}`);
});
console.log(`tokens: ${JSON.stringify(prompts[0])} vocab ${model.tokenizer.vocabSize}`);
console.log(`${same}/${golden.length} greedy completions match PyTorch`);
await session.release();
process.exit(same === golden.length ? 0 : 1);
