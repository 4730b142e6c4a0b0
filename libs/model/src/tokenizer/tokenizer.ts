/** What the engine needs from a tokenizer, whatever file it came from. */
export interface Tokenizer {
  /**
   * Text → ids. `bos`: true adds the BOS token (when the tokenizer has one), false never adds special
   * tokens; left out, the tokenizer does what its own files say (llama2.c: add BOS).
   */
  encode(text: string, opts?: { bos?: boolean }): number[];
  /** Ids → text, special tokens skipped, as the model's own decoder would (sentencepiece strips the leading space). */
  decode(ids: number[]): string;
  /** The text one generated token adds after `prev`, for streaming output. */
  decodeToken?(prev: number, id: number): string;
  readonly bosId: number;
  readonly eosIds: number[];
  /** Ids the tokenizer knows; may be below the model's vocabSize (embedding rows are often padded). */
  readonly vocabSize: number;
}
