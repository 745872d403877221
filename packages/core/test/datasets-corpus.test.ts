import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCorpus, CorpusBuilder, resolveQuestions } from '../src/datasets/corpus';
import { passageId } from '../src/datasets/passage-id';
import { readPassages } from '../src/datasets/passages';
import { readQuestions } from '../src/datasets/questions';
import type { Question } from '../src/types/data';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'datasets', name), 'utf8');

describe('passageId', () => {
  it('is a 16-hex content id: same title + text, same id; any change, another id', () => {
    const id = passageId('Ed Wood', 'Edward Davis Wood Jr. was an American filmmaker.');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(passageId('Ed Wood', 'Edward Davis Wood Jr. was an American filmmaker.')).toBe(id);
    expect(passageId('Ed Wood (film)', 'Edward Davis Wood Jr. was an American filmmaker.')).not.toBe(id);
    expect(passageId('Ed Wood', 'Edward Davis Wood Jr. was an American filmmaker')).not.toBe(id);
    // The separator keeps "ab" + "c" apart from "a" + "bc".
    expect(passageId('ab', 'c')).not.toBe(passageId('a', 'bc'));
  });
});

describe('buildCorpus', () => {
  it('merges context paragraphs and drops duplicates (same title and text), keeping first-seen order', async () => {
    const questions = await readQuestions(fixture('hotpotqa.json'));
    const { passages } = buildCorpus(questions);
    // 4 + 4 paragraphs; "Woodson, Arkansas" is shared.
    expect(passages).toHaveLength(7);
    expect(passages.map((p) => p.title)).toEqual([
      'Ed Wood (film)',
      'Scott Derrickson',
      'Woodson, Arkansas',
      'Ed Wood',
      'Meet Corliss Archer',
      'Kiss and Tell (1945 film)',
      'Shirley Temple',
    ]);
    expect(new Set(passages.map((p) => p.id)).size).toBe(7);
  });

  it('keeps same-title paragraphs with different text (MuSiQue)', async () => {
    const { passages } = buildCorpus(await readQuestions(fixture('musique.jsonl')));
    expect(passages.filter((p) => p.title === 'Green')).toHaveLength(2);
  });

  it('gives ids that do not depend on question order or subset', async () => {
    const questions = await readQuestions(fixture('2wikimultihopqa.json'));
    const forward = buildCorpus(questions).passages;
    const backward = buildCorpus([...questions].reverse()).passages;
    const idOf = (ps: typeof forward) => new Map(ps.map((p) => [p.title, p.id]));
    expect(idOf(backward)).toEqual(idOf(forward));
    const alone = buildCorpus([questions[1] as Question]).passages;
    expect(alone.every((p) => idOf(forward).get(p.title) === p.id)).toBe(true);
  });

  it('resolves gold and evidence passage ids to corpus passages with the right text', async () => {
    const { passages, questions, unresolved } = buildCorpus(await readQuestions(fixture('musique.jsonl')));
    const byId = new Map(passages.map((p) => [p.id, p]));
    expect(unresolved).toEqual([]);
    const [two] = questions;
    expect(two?.goldPassageIds.map((id) => byId.get(id)?.title)).toEqual(['Lady Godiva', 'Coventry']);
    expect(two?.evidence.map((e) => byId.get(e.passageId ?? '')?.text)).toEqual([
      'Lady Godiva was an English noblewoman. She was born in Coventry, according to legend, and rode naked through its streets.',
      'Coventry is a city in the West Midlands, England. The county of Coventry was abolished in 1842.',
    ]);
    expect(two?.context?.every((p) => p.id !== undefined && byId.has(p.id))).toBe(true);
  });

  it('resolves gold titles when a question has no ids yet (e.g. written by hand)', () => {
    const question: Question = {
      id: 'q1',
      dataset: 'hotpotqa',
      question: 'Who directed Ed Wood?',
      answers: ['Tim Burton'],
      evidence: [{ text: 'Ed Wood was directed by Tim Burton.', passageTitle: 'Ed Wood (film)' }],
      goldTitles: ['Ed Wood (film)'],
      goldPassageIds: [],
      context: [{ title: 'Ed Wood (film)', text: 'Ed Wood is a 1994 film directed by Tim Burton.' }],
    };
    const builder = new CorpusBuilder();
    const resolved = builder.add(question);
    const id = passageId('Ed Wood (film)', 'Ed Wood is a 1994 film directed by Tim Burton.');
    expect(resolved.goldPassageIds).toEqual([id]);
    expect(resolved.evidence[0]?.passageId).toBe(id);
    expect(builder.size).toBe(1);
  });
});

describe('resolveQuestions against a separate corpus file', () => {
  it("maps gold to the corpus's own ids by text, and leaves ids empty when a gold passage is missing", async () => {
    const passages = await readPassages(fixture('corpus.jsonl'));
    const questions = await readQuestions(fixture('ircot.jsonl'));
    const { questions: resolved, unresolved } = resolveQuestions(questions.slice(0, 2), passages);
    expect(resolved[0]?.goldPassageIds).toEqual(['p1', 'p2']);
    expect(resolved[0]?.context?.map((p) => p.id)).toEqual(['p1', '3', 'p2']);
    // The 2Wiki question's paragraphs are not in this corpus: recall will fall back to titles.
    expect(resolved[1]?.goldPassageIds).toEqual([]);
    expect(resolved[1]?.evidence.every((e) => e.passageId === undefined)).toBe(true);
    expect(unresolved.map((u) => u.title)).toEqual(['Xawery Żuławski', 'Polish-Russian War (film)']);
  });

  it('falls back to a title naming exactly one passage when the text differs', async () => {
    const passages = await readPassages(fixture('corpus.jsonl'));
    const [question] = await readQuestions(fixture('hotpotqa.json'));
    // HotpotQA's "Scott Derrickson" paragraph is longer than the corpus's: found by its unique title.
    const { questions: resolved, unresolved } = resolveQuestions([question as Question], passages);
    expect(unresolved).toEqual([]);
    expect(resolved[0]?.goldPassageIds).toEqual(['p1', 'p2']);
    expect(resolved[0]?.evidence.map((e) => e.passageId)).toEqual(['p1', 'p2']);
  });
});
