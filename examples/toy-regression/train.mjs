#!/usr/bin/env node
/**
 * A tiny training program in the shape tinysweep's `command` backend expects — the same shape
 * your own PyTorch script would have:
 *
 *   node examples/toy-regression/train.mjs --lr 0.05 --width 8 --steps 200 --seed 1
 *
 * It fits y = sin(3x) with a one-hidden-layer tanh network by plain SGD and prints one JSON
 * line per logged step ({"step":…, "loss":…}) and a final line ({"final":true, "score":…}).
 * Parameters also arrive as JSON in $TINYSWEEP_PARAMS; flags win.
 */
import { parseArgs } from 'node:util';

const fromEnv = process.env.TINYSWEEP_PARAMS ? JSON.parse(process.env.TINYSWEEP_PARAMS) : {};
const { values } = parseArgs({
  options: {
    lr: { type: 'string' },
    width: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    'sleep-ms': { type: 'string' },
  },
});
const lr = Number(values.lr ?? fromEnv.lr ?? 0.05);
const width = Number(values.width ?? fromEnv.width ?? 8);
const steps = Number(values.steps ?? fromEnv.steps ?? 200);
const seed = Number(values.seed ?? fromEnv.seed ?? 0);
const sleepMs = Number(values['sleep-ms'] ?? fromEnv.sleepMs ?? 0);
if (!(lr > 0) || !(width >= 1) || !(steps >= 1)) {
  console.error(`bad parameters: lr=${lr} width=${width} steps=${steps}`);
  process.exit(2);
}

// mulberry32: a seeded PRNG in four lines (Math.random cannot be seeded)
let s = seed >>> 0;
const rand = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const xs = Array.from({ length: 64 }, (_, i) => -1 + (2 * i) / 63);
const ys = xs.map((x) => Math.sin(3 * x));
const w1 = Array.from({ length: width }, () => (rand() - 0.5) * 2);
const b1 = Array.from({ length: width }, () => (rand() - 0.5) * 0.2);
const w2 = Array.from({ length: width }, () => (rand() - 0.5) * 0.2);
let b2 = 0;

function lossAndStep(update) {
  let loss = 0;
  const g1 = new Array(width).fill(0), gb1 = new Array(width).fill(0), g2 = new Array(width).fill(0);
  let gb2 = 0;
  for (let n = 0; n < xs.length; n++) {
    const h = w1.map((w, j) => Math.tanh(w * xs[n] + b1[j]));
    const y = h.reduce((a, hj, j) => a + hj * w2[j], b2);
    const e = y - ys[n];
    loss += e * e;
    gb2 += 2 * e;
    for (let j = 0; j < width; j++) {
      g2[j] += 2 * e * h[j];
      const dh = 2 * e * w2[j] * (1 - h[j] * h[j]);
      g1[j] += dh * xs[n];
      gb1[j] += dh;
    }
  }
  if (update) {
    const k = lr / xs.length;
    for (let j = 0; j < width; j++) {
      w1[j] -= k * g1[j]; b1[j] -= k * gb1[j]; w2[j] -= k * g2[j];
    }
    b2 -= k * gb2;
  }
  return loss / xs.length;
}

const logEvery = Math.max(1, Math.floor(steps / 20));
let loss = lossAndStep(false);
for (let step = 1; step <= steps; step++) {
  loss = lossAndStep(true);
  if (!Number.isFinite(loss)) {
    console.error(`diverged at step ${step} (lr=${lr} too large?)`);
    process.exit(3);
  }
  if (step % logEvery === 0 || step === steps) console.log(JSON.stringify({ step, loss }));
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
}
// score: 1 − normalised MSE, so larger is better like an accuracy
const variance = ys.reduce((a, y) => a + y * y, 0) / ys.length;
console.log(JSON.stringify({ final: true, score: 1 - loss / variance, loss, trainable_params: 3 * width + 1 }));
