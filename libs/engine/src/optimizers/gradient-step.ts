/**
 * Ascent steps from an estimated gradient: Adam (Kingma & Ba 2015, with bias correction) or SGD with
 * momentum in OpenAI-ES's form (v ← μv + (1−μ)g). Both *add* the step: the optimizers maximise.
 * Internal: not exported from the package.
 */

/** Which step rule turns a gradient estimate into an update. */
export type StepRule = 'adam' | 'sgd';

export const STEP_RULES: readonly StepRule[] = ['adam', 'sgd'];

/** Buffers a step rule keeps between steps, [dim] each. */
export interface StepBuffers {
  adamM: Float64Array;
  adamV: Float64Array;
  velocity: Float64Array;
}

export interface StepParams {
  rule: StepRule;
  lr: number;
  /** 1-based step count (Adam's bias correction). */
  t: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  momentum: number;
}

/** θ ← θ + step(g), updating the buffers in place. */
export function applyAscentStep(theta: Float64Array, grad: Float64Array, buffers: StepBuffers, p: StepParams): void {
  const n = theta.length;
  if (p.rule === 'adam') {
    const { adamM: m, adamV: v } = buffers;
    const c1 = 1 - p.beta1 ** p.t;
    const c2 = 1 - p.beta2 ** p.t;
    for (let i = 0; i < n; i++) {
      m[i] = p.beta1 * m[i] + (1 - p.beta1) * grad[i];
      v[i] = p.beta2 * v[i] + (1 - p.beta2) * grad[i] * grad[i];
      theta[i] += (p.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + p.epsilon);
    }
  } else {
    const vel = buffers.velocity;
    for (let i = 0; i < n; i++) {
      vel[i] = p.momentum * vel[i] + (1 - p.momentum) * grad[i];
      theta[i] += p.lr * vel[i];
    }
  }
}
