import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatWrapper } from '../src/inference/chat';
import { loadTokenizer } from '../src/inference/tokenizer';

// The demo student's tokenizer: Qwen2.5's format, ChatML special tokens and chat template.
const DEMO = join(import.meta.dirname, '..', '..', '..', 'public', 'demo', 'steper');
const tokenizerJson = JSON.parse(readFileSync(join(DEMO, 'tokenizer.json'), 'utf8'));
const tokenizerConfig = JSON.parse(readFileSync(join(DEMO, 'tokenizer_config.json'), 'utf8'));

describe('a chat-format student', () => {
  it('gets each prompt as one user turn in its own chat template, ready for the assistant', () => {
    const wrap = chatWrapper(tokenizerConfig, 'steper/tokenizer_config.json');
    expect(wrap('Q: Who directed Blue Harbor?\nA:')).toBe(
      '<|im_start|>user\nQ: Who directed Blue Harbor?\nA:<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('tokenises the template markers as the special tokens they are, not as text', () => {
    const chat = loadTokenizer(tokenizerJson, tokenizerConfig, chatWrapper(tokenizerConfig, 'x'));
    const plain = loadTokenizer(tokenizerJson, tokenizerConfig);
    const ids = chat.encode('Hello');
    const start = plain.encode('<|im_start|>');
    expect(start).toHaveLength(1);
    expect(ids[0]).toBe(start[0]);
    expect(ids.filter((id) => id === start[0])).toHaveLength(2); // the user turn and the assistant's
    expect(plain.encode('Hello').length).toBeLessThan(ids.length);
  });

  it('names the file when the template is missing', () => {
    expect(() => chatWrapper({}, 'smollm2/tokenizer_config.json')).toThrow(
      /smollm2\/tokenizer_config.json: promptFormat "chat" needs a chat_template/,
    );
  });
});
