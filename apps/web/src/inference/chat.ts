import { Template } from '@huggingface/jinja';

/**
 * A student whose manifest says `promptFormat: "chat"` is an instruct checkpoint used as it is:
 * each step's prompt goes to it as one user turn in its own chat template (tokenizer_config.json's
 * `chat_template`, rendered by the Jinja engine transformers.js uses), and it answers as the
 * assistant. Fed the plain prompt, such a model ends its turn at once (SmolLM2-135M-Instruct's
 * first token is <|im_end|>).
 */
export function chatWrapper(tokenizerConfig: unknown, source: string): (prompt: string) => string {
  const config = (tokenizerConfig ?? {}) as Record<string, unknown>;
  if (typeof config.chat_template !== 'string') {
    throw new Error(`${source}: promptFormat "chat" needs a chat_template string in tokenizer_config.json`);
  }
  const template = new Template(config.chat_template);
  // Special tokens are strings or AddedToken objects ({ content }) in tokenizer_config.json.
  const token = (t: unknown) =>
    typeof t === 'string' ? t : (((t as { content?: unknown } | null)?.content as string | undefined) ?? '');
  const bos = token(config.bos_token);
  const eos = token(config.eos_token);
  return (prompt) =>
    template.render({
      messages: [{ role: 'user', content: prompt }],
      add_generation_prompt: true,
      bos_token: bos,
      eos_token: eos,
    });
}
