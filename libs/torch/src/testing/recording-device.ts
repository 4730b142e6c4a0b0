/**
 * A PolicyDevice that passes every call through to another and records the greedy generations, so
 * two runs of the same training on two devices can be compared call by call and the first token
 * where they part named (see firstDivergence).
 */
import type { DeviceSession, GenerateOptions, PolicyDevice, SessionAdapter } from '@tinysweep/engine';
import type { LoadedModel } from '@tinysweep/model';

/** One greedy call as it went. */
export interface GreedyCall {
  prompts: number[][];
  adapterV?: Float32Array;
  outputs: number[][];
  /** The session it ran on (to ask it for logits later). */
  session: DeviceSession;
}

/** Logits [vocab] of the last position of `ids` under adapter row `v`, on a session of this device. */
export type LastLogits = (session: DeviceSession, ids: number[], v: Float32Array | undefined) => Promise<Float32Array>;

export class RecordingDevice implements PolicyDevice {
  readonly calls: GreedyCall[] = [];
  readonly name: string;
  readonly gradients: boolean;

  constructor(
    readonly inner: PolicyDevice,
    readonly lastLogits: LastLogits,
  ) {
    this.name = `recording(${inner.name})`;
    this.gradients = inner.gradients;
  }

  async open(model: LoadedModel, plan: SessionAdapter): Promise<DeviceSession> {
    const session = await this.inner.open(model, plan);
    const calls = this.calls;
    const recorded: DeviceSession = {
      async greedy(prompts: number[][], opts: GenerateOptions) {
        const outputs = await session.greedy(prompts, opts);
        calls.push({ prompts, adapterV: opts.adapterV && Float32Array.from(opts.adapterV), outputs, session });
        return outputs;
      },
      logprobs: (c, x, v) => session.logprobs(c, x, v),
      release: () => session.release(),
    };
    if (session.sample) recorded.sample = session.sample.bind(session);
    if (session.gradient) recorded.gradient = session.gradient.bind(session);
    return recorded;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Where two recordings first differ: the call, the row, the token position and both devices' top logits there. */
export interface Divergence {
  call: number;
  row: number;
  position: number;
  tokens: [number | undefined, number | undefined];
  /** At that position, per device: the two tokens' logits. */
  logits: [{ a: number; b: number }, { a: number; b: number }];
  text: string;
}

/** The first differing greedy token of two recordings of the same run, or undefined when every call agrees. */
export async function firstDivergence(a: RecordingDevice, b: RecordingDevice): Promise<Divergence | undefined> {
  const calls = Math.min(a.calls.length, b.calls.length);
  for (let c = 0; c < calls; c++) {
    const ca = a.calls[c]!;
    const cb = b.calls[c]!;
    for (let row = 0; row < ca.outputs.length; row++) {
      const oa = ca.outputs[row]!;
      const ob = cb.outputs[row]!;
      const position = oa.findIndex((t, i) => t !== ob[i]);
      const at = position >= 0 ? position : oa.length !== ob.length ? Math.min(oa.length, ob.length) : -1;
      if (at < 0) continue;
      const dim = ca.adapterV ? ca.adapterV.length / ca.outputs.length : 0;
      const v = ca.adapterV && (ca.adapterV.length === dim * ca.outputs.length ? ca.adapterV.subarray(row * dim, (row + 1) * dim) : ca.adapterV);
      const prefix = [...ca.prompts[row]!, ...oa.slice(0, at)];
      const la = await a.lastLogits(ca.session, prefix, v);
      const lb = await b.lastLogits(cb.session, prefix, v);
      const ta = oa[at];
      const tb = ob[at];
      const pick = (l: Float32Array) => ({ a: ta === undefined ? Number.NaN : l[ta]!, b: tb === undefined ? Number.NaN : l[tb]! });
      const logits: Divergence['logits'] = [pick(la), pick(lb)];
      const text =
        `greedy call ${c}, row ${row}, token ${at}: ${a.inner.name} chose ${ta ?? 'stop'} (logits ${logits[0].a} vs ${logits[0].b} for ${tb ?? 'stop'}), ` +
        `${b.inner.name} chose ${tb ?? 'stop'} (logits ${logits[1].a} vs ${logits[1].b})`;
      return { call: c, row, position: at, tokens: [ta, tb], logits, text };
    }
  }
  return undefined;
}
