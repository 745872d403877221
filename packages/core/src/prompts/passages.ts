import type { Passage } from '../types/data';

/** What a prompt needs of a passage: demonstrations carry no corpus id. */
export type PromptPassage = Pick<Passage, 'title' | 'text'>;

/** IRCoT's passage block, also used by Self-Ask: "Wikipedia Title: <title>\n<text>", blank line between. */
export function renderPassages(passages: readonly PromptPassage[]): string {
  return passages.map((p) => `Wikipedia Title: ${p.title}\n${p.text}`).join('\n\n');
}
