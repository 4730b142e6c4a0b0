/**
 * Tiny but real tokenizer.json files in the two families our HF models use, for test checkpoints:
 * sentencepiece-style BPE with byte fallback (Llama, Mistral) and byte-level BPE with ChatML
 * special tokens (Qwen2). @huggingface/tokenizers loads both.
 */

export type TokenizerFamily = 'sentencepiece' | 'bytelevel';

export interface TokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  bosId: number | undefined;
  eosId: number;
}

/** Qwen-style ChatML template. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const MERGE_WORDS = ['the', 'and', 'once', 'upon', 'time', 'there', 'was', 'little', 'she', 'he'];

function special(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** BPE merges that build each word left to right from its characters, with its vocab entries. */
function wordMerges(words: string[], prefix: string): { merges: string[]; pieces: string[] } {
  const merges: string[] = [];
  const pieces: string[] = [];
  for (const word of words) {
    const chars = [...`${prefix}${word}`];
    let left = chars[0]!;
    for (const ch of chars.slice(1)) {
      const merged = left + ch;
      if (!pieces.includes(merged)) {
        merges.push(`${left} ${ch}`);
        pieces.push(merged);
      }
      left = merged;
    }
  }
  return { merges, pieces };
}

export function sentencepieceTokenizer(): TokenizerFiles {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  const add = (piece: string): void => {
    if (!(piece in vocab)) vocab[piece] = Object.keys(vocab).length;
  };
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  add('▁');
  for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c));
  const { merges, pieces } = wordMerges(MERGE_WORDS, '▁');
  pieces.forEach(add);
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges },
  };
  const tokenizerConfig = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', add_bos_token: true, add_eos_token: false };
  return { tokenizerJson, tokenizerConfig, vocabSize: Object.keys(vocab).length, bosId: 1, eosId: 2 };
}

/** GPT-2's reversible byte → printable character map used by byte-level BPE. */
export function bytesToUnicode(): string[] {
  const direct = [...range(0x21, 0x7e), ...range(0xa1, 0xac), ...range(0xae, 0xff)];
  const map: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(direct.includes(b) ? b : 256 + extra++);
  return map;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function byteLevelTokenizer(): TokenizerFiles {
  const vocab: Record<string, number> = {};
  for (const ch of bytesToUnicode()) vocab[ch] = Object.keys(vocab).length;
  const { merges, pieces } = wordMerges(MERGE_WORDS, 'Ġ'); // Ġ is the byte-level space
  for (const piece of pieces) vocab[piece] = Object.keys(vocab).length;
  const first = Object.keys(vocab).length;
  const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, i) => special(first + i, content)),
    normalizer: { type: 'NFC' },
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, use_regex: false },
    decoder: { ...byteLevel, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const tokenizerConfig = { bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', chat_template: CHATML_TEMPLATE };
  return { tokenizerJson, tokenizerConfig, vocabSize: first + specials.length, bosId: undefined, eosId: first + 2 };
}
