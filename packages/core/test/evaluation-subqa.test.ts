import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetParseError, OfflineEvidenceJudge, parseSubQa, readSubQa, readSubQaSplit } from '../src';
import { makeTrace } from './fixtures/evaluation/traces';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'evaluation', name), 'utf8');
const lines = (name: string) => fixture(name).trim().split('\n');

async function parseError(run: () => Promise<unknown>): Promise<DatasetParseError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof DatasetParseError) return err;
    throw err;
  }
  throw new Error('expected a DatasetParseError');
}

describe('SubQA, combined layout', () => {
  it('reads questions with their sub-questions as evidence, dataset subqa', async () => {
    const [kiss, bare] = await readSubQa(fixture('subqa.jsonl'));
    expect(kiss).toMatchObject({
      id: '5a8c7595554299585d9e36b6',
      dataset: 'subqa',
      answers: ['Chief of Protocol'],
      type: 'bridge',
      hops: 2,
      goldTitles: ['Kiss and Tell (1945 film)', 'Shirley Temple'],
      meta: { format: 'subqa' },
    });
    expect(kiss!.evidence.map((f) => [f.subQuestion, f.answer, f.passageTitle])).toEqual([
      [
        'Who portrayed Corliss Archer in the film Kiss and Tell?',
        'Shirley Temple',
        'Kiss and Tell (1945 film)',
      ],
      ['What government position was held by Shirley Temple?', 'Chief of Protocol', 'Shirley Temple'],
    ]);
    // The supporting sentence that states each sub-answer, with its passage id.
    expect(kiss!.evidence[1]!.text).toMatch(/^As an adult, she was named United States ambassador/);
    expect(kiss!.evidence[1]!.passageId).toBe(kiss!.goldPassageIds[1]);
    expect(kiss!.context?.map((p) => p.title)).toContain('Kiss and Tell (1945 film)');

    // "id" stands for "_id"; without context the fact is the sub-question answered.
    expect(bare).toMatchObject({ id: 'subqa-bare-1', dataset: 'subqa', goldTitles: [], hops: 2 });
    expect(bare!.evidence[0]).toEqual({
      text: 'The answer to "Who directed Blue Harbor?" is Ada Reyes.',
      passageTitle: '',
      subQuestion: 'Who directed Blue Harbor?',
      answer: 'Ada Reyes',
    });
  });

  it('reads the same records from a JSON array, streamed in small chunks', async () => {
    const array = `[\n${lines('subqa.jsonl').join(',\n')}\n]`;
    const chunks = array.match(/[\s\S]{1,64}/g)!;
    const streamed: string[] = [];
    for await (const q of parseSubQa(chunks)) streamed.push(q.id);
    expect(streamed).toEqual(['5a8c7595554299585d9e36b6', 'subqa-bare-1']);
  });

  it('questions feed the rationale judge: sub-questions answered from a trace', async () => {
    const [, bare] = await readSubQa(fixture('subqa.jsonl'));
    const trace = makeTrace({
      questionId: 'subqa-bare-1',
      chain: ['Blue Harbor was directed by Ada Reyes.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const verdict = await new OfflineEvidenceJudge().judgeRationale(trace, bare!);
    expect(verdict.answered).toEqual([true, false]);
  });

  it('a missing sub-answer names the line, the record and the field', async () => {
    const [first, second] = lines('subqa.jsonl');
    const broken = JSON.parse(second!);
    delete broken.sub_questions[1].answer;
    const err = await parseError(() => readSubQa(`${first}\n${JSON.stringify(broken)}`));
    expect(err.line).toBe(2);
    expect(err.field).toBe('sub_questions[1].answer');
    expect(err.message).toMatch(
      /^SubQA at line 2, record #1, id "subqa-bare-1": field "sub_questions\[1\]\.answer": missing \(expected string\)\. Each record needs _id, question, answer and sub_questions/,
    );
  });

  it('other malformed records: bad JSON, no sub-questions, half of the HotpotQA context, duplicates', async () => {
    const [first, second] = lines('subqa.jsonl');
    const badJson = await parseError(() => readSubQa(`${second}\n{"_id": "x", "question": `));
    expect(badJson.message).toMatch(/^SubQA at line 2: not valid JSON/);

    const none = { ...JSON.parse(second!), sub_questions: [] };
    const noSubs = await parseError(() => readSubQa(JSON.stringify(none)));
    expect(noSubs.message).toContain(
      'field "sub_questions": empty: a SubQA question needs its sub-questions',
    );

    const half = JSON.parse(first!);
    delete half.supporting_facts;
    const halfErr = await parseError(() => readSubQa(JSON.stringify(half)));
    expect(halfErr.field).toBe('supporting_facts');
    expect(halfErr.message).toContain('give both context and supporting_facts (HotpotQA form) or neither');

    const dup = await parseError(() => readSubQa(`${second}\n${second}`));
    expect(dup.message).toBe(
      'SubQA at line 2, record #1, id "subqa-bare-1": field "_id": the id was already used by the record at line 1. Question ids must be unique within a file: remove the duplicate.',
    );
  });
});

describe('SubQA, HotpotQA files joined by _id', () => {
  const files = () => ({
    original: fixture('subqa-hotpot-dev.json'),
    subQuestions: [fixture('subqa-sub1.json'), fixture('subqa-sub2.jsonl')],
  });

  it('joins the sub-question files to the multi-hop questions, skipping those outside SubQA', async () => {
    const skipped: string[] = [];
    const questions = await readSubQaSplit(files(), { onSkip: (s) => skipped.push(s.id) });
    expect(questions.map((q) => q.id)).toEqual(['5a8b57f25542995d1e6f1371', '5a8c7595554299585d9e36b6']);
    expect(skipped).toEqual(['5a-not-in-subqa']);
    const [comparison] = questions;
    expect(comparison!.dataset).toBe('subqa');
    // Both sub-answers are "American": each is tied to the sentence of the entity it asks about.
    expect(comparison!.evidence.map((f) => [f.subQuestion, f.answer, f.passageTitle])).toEqual([
      ['What is the nationality of Scott Derrickson?', 'American', 'Scott Derrickson'],
      ['What is the nationality of Ed Wood?', 'American', 'Ed Wood'],
    ]);
  });

  it('a sub-question whose _id is not among the questions names its file and line', async () => {
    const sub2 = `${fixture('subqa-sub2.jsonl')}{"_id": "5a-unknown", "question": "Who?", "answer": "Nobody"}\n`;
    const err = await parseError(() =>
      readSubQaSplit({ ...files(), subQuestions: [fixture('subqa-sub1.json'), sub2] }),
    );
    expect(err.message).toBe(
      'SubQA sub-question 2 file at line 3, id "5a-unknown": field "_id": no multi-hop question in the question file has this id. Give the HotpotQA file the sub-questions were made from (SubQA uses HotpotQA dev).',
    );
  });

  it('a question only some sub-question files have is an error, as is a bad sub record', async () => {
    const sub2 = lines('subqa-sub2.jsonl')[1]!;
    const partial = await parseError(() =>
      readSubQaSplit({ ...files(), subQuestions: [fixture('subqa-sub1.json'), sub2] }),
    );
    expect(partial.recordId).toBe('5a8b57f25542995d1e6f1371');
    expect(partial.message).toContain(
      'sub-question file(s) 2 have no record with this id, while the other(s) do',
    );

    const bad = JSON.parse(fixture('subqa-sub1.json'));
    bad[1].answer = '';
    const badErr = await parseError(() =>
      readSubQaSplit({
        ...files(),
        subQuestions: [JSON.stringify(bad, null, 1), fixture('subqa-sub2.jsonl')],
      }),
    );
    expect(badErr.message).toMatch(
      /^SubQA sub-question 1 file at line 7, record #1, id "5a8c7595554299585d9e36b6": field "answer": empty: every sub-question needs its answer/,
    );
    await expect(readSubQaSplit({ original: '[]', subQuestions: [] })).rejects.toThrow(
      /no sub-question files given/,
    );
  });
});
