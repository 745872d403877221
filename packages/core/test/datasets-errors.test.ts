import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetParseError } from '../src/datasets/errors';
import { readPassages } from '../src/datasets/passages';
import { type ParseQuestionsOptions, readQuestions } from '../src/datasets/questions';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'datasets', name), 'utf8');
const lines = (name: string) => fixture(name).trim().split('\n');

async function questionError(text: string, options?: ParseQuestionsOptions): Promise<DatasetParseError> {
  try {
    await readQuestions(text, options);
  } catch (err) {
    if (err instanceof DatasetParseError) return err;
    throw err;
  }
  throw new Error('expected a DatasetParseError');
}

describe('malformed question files', () => {
  it('JSONL: bad JSON names its line', async () => {
    const text = [...lines('musique.jsonl').slice(0, 2), '{"id": "x", "question": "oops"'].join('\n');
    const err = await questionError(text);
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^MuSiQue at line 3: not valid JSON/);
  });

  it('JSONL: a missing field names the line, the record id and the field', async () => {
    const [first, second] = lines('musique.jsonl');
    const broken = JSON.parse(second as string);
    delete broken.question_decomposition;
    const err = await questionError(`${first}\n${JSON.stringify(broken)}`);
    expect(err.message).toBe(
      'MuSiQue at line 2, record #1, id "3hop1__9285_5188_23307": field "question_decomposition": missing (expected array). Fix this record, or check the file really is MuSiQue (format "musique").',
    );
    expect(err.field).toBe('question_decomposition');
  });

  it('JSON array: a wrong type deep in a record names the element, its line and the field path', async () => {
    const records = JSON.parse(fixture('hotpotqa.json'));
    records[1].supporting_facts[1][1] = '0';
    const text = JSON.stringify(records, null, 2);
    const err = await questionError(text);
    expect(err.index).toBe(1);
    expect(err.line).toBe(text.split('\n').findIndex((l) => l.includes('"_id": "5a8c7595554299585d9e36b6"')));
    expect(err.field).toBe('supporting_facts[1][1]');
    expect(err.message).toContain('expected number, got string "0"');
    expect(err.message).toContain('id "5a8c7595554299585d9e36b6"');
  });

  it('an empty gold answer is refused with the reason', async () => {
    const records = JSON.parse(fixture('2wikimultihopqa.json'));
    records[0].answer = '';
    const err = await questionError(JSON.stringify(records));
    expect(err.field).toBe('answer');
    expect(err.message).toContain('every question needs its gold answer');
  });

  it('IRCoT: answers_objects of the wrong shape', async () => {
    const [first] = lines('ircot.jsonl');
    const broken = JSON.parse(first as string);
    broken.answers_objects = [{ spans: 'yes' }];
    const err = await questionError(JSON.stringify(broken));
    expect(err.field).toBe('answers_objects[0].spans');
    expect(err.message).toContain('expected array, got string "yes"');
  });

  it('a later record in another format fails on the detected format, at its line', async () => {
    const text = `${lines('musique.jsonl')[0]}\n${lines('ircot.jsonl')[0]}`;
    const err = await questionError(text);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^MuSiQue at line 2/);
  });

  it('an explicit format is checked from the first record', async () => {
    const err = await questionError(fixture('musique.jsonl'), { format: 'hotpotqa' });
    expect(err.line).toBe(1);
    expect(err.message).toContain('field "_id": missing (expected string)');
    expect(err.message).toContain('check the file really is HotpotQA');
  });

  it('an unknown record shape lists its keys and the formats known', async () => {
    const err = await questionError('{"q": "who?", "a": "me"}');
    expect(err.message).toContain('keys: q, a');
    expect(err.message).toContain('hotpotqa, 2wikimultihopqa, musique, ircot');
  });

  it('a corpus given as questions says so', async () => {
    const err = await questionError(fixture('corpus.jsonl'));
    expect(err.message).toContain('this is a passage corpus');
  });

  it('a duplicate question id names both lines', async () => {
    const [first] = lines('musique.jsonl');
    const err = await questionError(`${first}\n\n${first}`);
    expect(err.message).toContain('line 3');
    expect(err.message).toContain('already used by the record at line 1');
  });

  it('a file that is not an array of records', async () => {
    const err = await questionError('[1, 2]');
    expect(err.message).toContain('matches no known format');
  });
});

describe('malformed corpus files', () => {
  async function corpusError(text: string): Promise<DatasetParseError> {
    try {
      await readPassages(text);
    } catch (err) {
      if (err instanceof DatasetParseError) return err;
      throw err;
    }
    throw new Error('expected a DatasetParseError');
  }

  it('a passage without text', async () => {
    const err = await corpusError('{"id": "a", "title": "A", "text": "x"}\n{"id": "b", "title": "B"}');
    expect(err.message).toBe(
      'Corpus at line 2, record #1, id "b": field "text": missing (expected string). Each line must be {"id": ..., "title": ..., "text": ...}.',
    );
  });

  it('an empty id and a duplicate id', async () => {
    expect((await corpusError('{"id": "", "title": "A", "text": "x"}')).message).toContain(
      'field "id": blank: every passage needs an id',
    );
    const dup = await corpusError(
      '{"id": 7, "title": "A", "text": "x"}\n{"id": "7", "title": "B", "text": "y"}',
    );
    expect(dup.message).toContain('already used by the passage at line 1');
  });
});
