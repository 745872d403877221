import { Tokenizer } from '@huggingface/tokenizers';

/**
 * The exported tokenizer.json read by Tokenizers.js (the tokenizer of transformers.js, without
 * its model runtime): the same byte-level BPE the trainer used, no hand-written BPE.
 */
export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/** `wrap`: what the prompt becomes before tokenising (a chat template, see chat.ts); none by default. */
export function loadTokenizer(
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
  wrap: (prompt: string) => string = (p) => p,
): TextTokenizer {
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || !('model' in tokenizerJson)) {
    throw new Error('tokenizer.json has no "model": it must be a Hugging Face tokenizers file');
  }
  const tokenizer = new Tokenizer(tokenizerJson, (tokenizerConfig ?? {}) as object);
  return {
    // No special tokens added (as in training); a chat template writes its own markers.
    encode: (text) => tokenizer.encode(wrap(text), { add_special_tokens: false }).ids,
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: true }),
  };
}
