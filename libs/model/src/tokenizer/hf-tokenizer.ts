/**
 * HF tokenizer.json (+ tokenizer_config.json) through @huggingface/tokenizers, behind our Tokenizer.
 */
import { Tokenizer as HfTokenizerImpl } from '@huggingface/tokenizers';
import type { Tokenizer } from './tokenizer.js';

export interface HfTokenizerOptions {
  /** From config.json / generation_config.json; the tokenizer files do not always say. */
  bosId: number;
  eosIds: number[];
}

export class HfTokenizer implements Tokenizer {
  readonly bosId: number;
  readonly eosIds: number[];
  readonly vocabSize: number;
  /** Set when tokenizer_config.json names a bos_token (Llama); Qwen2 has none and never gets one prepended. */
  private readonly configBosId: number | undefined;
  readonly impl: HfTokenizerImpl;

  constructor(tokenizerJson: object, tokenizerConfig: Record<string, unknown>, opts: HfTokenizerOptions) {
    this.impl = new HfTokenizerImpl(tokenizerJson, tokenizerConfig);
    this.bosId = opts.bosId;
    this.eosIds = opts.eosIds;
    this.vocabSize = this.impl.get_vocab(true).size;
    const bosToken = tokenText(tokenizerConfig.bos_token);
    this.configBosId = bosToken === undefined ? undefined : this.impl.token_to_id(bosToken);
  }

  encode(text: string, opts: { bos?: boolean } = {}): number[] {
    const ids = this.impl.encode(text, { add_special_tokens: opts.bos ?? true }).ids;
    if (opts.bos === true && this.configBosId !== undefined && ids[0] !== this.configBosId) ids.unshift(this.configBosId);
    return ids;
  }

  decode(ids: number[]): string {
    // @huggingface/tokenizers throws on an empty list; a model that stops at once generated ''.
    if (ids.length === 0) return '';
    return this.impl.decode(ids, { skip_special_tokens: true });
  }

  /** Decoders that strip or merge across tokens make a token's text depend on its left neighbour. */
  decodeToken(prev: number, id: number): string {
    const before = this.decode([prev]);
    const after = this.decode([prev, id]);
    return after.startsWith(before) ? after.slice(before.length) : this.decode([id]);
  }
}

/** tokenizer_config.json writes special tokens as a string or as an AddedToken object. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
