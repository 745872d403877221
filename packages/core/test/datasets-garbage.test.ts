import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetParseError } from '../src/datasets/errors';
import { readPassages } from '../src/datasets/passages';
import { readQuestions } from '../src/datasets/questions';
import type { TextSource } from '../src/datasets/source';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'datasets', name), 'utf8');
const GOOD = '{"id":"a","title":"Alpha","text":"Alpha is a river."}';

async function refusal(read: Promise<unknown>): Promise<DatasetParseError> {
  try {
    await read;
  } catch (err) {
    if (err instanceof DatasetParseError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

/** Bytes as a file stream gives them, in chunks of `size`. */
function byteChunks(bytes: Uint8Array, size: number): TextSource {
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
}

const hotpot = () => JSON.parse(fixture('hotpotqa.json'))[0] as Record<string, unknown>;
const hotpotWith = (change: (r: Record<string, unknown>) => void) => {
  const record = hotpot();
  change(record);
  return JSON.stringify([record]);
};

describe('garbage is refused, naming the line or record and the field', () => {
  it('bytes that are not UTF-8, never turned into U+FFFD — whatever the chunking', async () => {
    const text = new TextEncoder().encode(`${GOOD}\n${GOOD.replace('a"', 'b"')}\n`);
    const bad = new Uint8Array([
      ...text,
      ...new TextEncoder().encode('{"id":"c","title":"C","text":"x'),
      0xff,
      0x22,
      0x7d,
    ]);
    for (const size of [bad.length, 16, 7, 1]) {
      const err = await refusal(readPassages(byteChunks(bad, size)));
      expect(err.message).toMatch(/^Corpus at line 3: not valid UTF-8 text\./);
    }
    // A file that ends inside a character.
    const cut = new Uint8Array([
      ...new TextEncoder().encode(`${GOOD}\n{"id":"c","title":"C","text":"`),
      0xe2,
      0x82,
    ]);
    expect((await refusal(readPassages([cut]))).message).toMatch(/line 2: not valid UTF-8/);
    // Split multi-byte characters are still fine.
    const euro = new TextEncoder().encode('{"id":"e","title":"Euro","text":"Costs 5 €."}\n');
    expect((await readPassages(byteChunks(euro, 1)))[0]!.text).toBe('Costs 5 €.');
  });

  it('U+FFFD or an escaped lone surrogate in any string', async () => {
    const fffd = await refusal(readPassages(`${GOOD}\n{"id":"b","title":"B","text":"caf\uFFFD"}`));
    expect(fffd.message).toMatch(/^Corpus at line 2, record #1: field "text": holds U\+FFFD/);
    const lone = await refusal(readPassages(`${GOOD}\n{"id":"b","title":"B\\ud800","text":"t"}`));
    expect(lone.message).toMatch(/line 2, record #1: field "title": holds a lone surrogate/);
    const inQuestion = await refusal(readQuestions(hotpotWith((r) => (r.answer = 'x\udc00'))));
    expect(inQuestion.message).toMatch(/record #0: field "answer": holds a lone surrogate/);
  });

  it('a passage without text, a blank id, an id too large to keep exact', async () => {
    const empty = await refusal(readPassages(`${GOOD}\n{"id":"b","title":"","text":""}`));
    expect(empty.message).toMatch(
      /line 2, record #1, id "b": field "text": blank: every passage needs its text/,
    );
    const spaces = await refusal(readPassages(`{"id":"   ","title":"T","text":"t"}`));
    expect(spaces.message).toMatch(/line 1, .*field "id": blank: every passage needs an id/);
    const big = await refusal(readPassages(`{"id":12345678901234567891,"title":"T","text":"t"}`));
    expect(big.message).toMatch(
      /^Corpus at line 1, record #0: field "id": a number too large to read exactly/,
    );
    // Exact numbers and text are kept as they were written.
    const ok = await readPassages(
      `{"id":9007199254740991,"title":"T","text":"t"}\n{"id":"12345678901234567891","title":"T","text":"t"}`,
    );
    expect(ok.map((p) => p.id)).toEqual(['9007199254740991', '12345678901234567891']);
  });

  it('a blank answer, a supporting fact outside the context, a question with no context', async () => {
    const blank = await refusal(readQuestions(hotpotWith((r) => (r.answer = '  '))));
    expect(blank.message).toMatch(
      /^HotpotQA at line 1, record #0, id ".+": field "answer": blank: every question needs its gold answer/,
    );
    const blankId = await refusal(readQuestions(hotpotWith((r) => (r._id = ' '))));
    expect(blankId.message).toMatch(/field "_id": blank/);
    const outside = await refusal(
      readQuestions(hotpotWith((r) => (r.supporting_facts as unknown[]).push(['Nowhere Land', 0]))),
    );
    expect(outside.message).toMatch(
      /field "supporting_facts\[2\]\[0\]": names a title that is not in this record's context/,
    );
    const noContext = await refusal(
      readQuestions(
        hotpotWith((r) => {
          r.context = [];
          r.supporting_facts = [];
        }),
      ),
    );
    expect(noContext.message).toMatch(/field "context": empty: every question needs its context paragraphs/);
  });

  it('the other formats: no context, no answer, an inexact numeric id', async () => {
    const [musique] = fixture('musique.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const noAnswer = await refusal(
      readQuestions(JSON.stringify({ ...musique, answer: ' ', answer_aliases: [] })),
    );
    expect(noAnswer.message).toMatch(
      /MuSiQue .*field "answer": blank: an answerable question needs its gold answer/,
    );
    const noParagraphs = await refusal(readQuestions(JSON.stringify({ ...musique, paragraphs: [] })));
    expect(noParagraphs.message).toMatch(/field "paragraphs": empty/);
    const [ircot] = fixture('ircot.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const noContexts = await refusal(readQuestions(JSON.stringify({ ...ircot, contexts: [] })));
    expect(noContexts.message).toMatch(/field "contexts": empty/);
    const { question_id: _, ...rest } = ircot;
    const bigId = await refusal(
      readQuestions(`{"question_id":12345678901234567891,${JSON.stringify(rest).slice(1)}`),
    );
    expect(bigId.message).toMatch(/field "question_id": a number too large/);
    // Found by the fuzzer: an inexact number in an answer's date crashed the answer check (TypeError).
    const bigYear = {
      ...ircot,
      answers_objects: [{ number: '', date: { day: '', month: '', year: 1 }, spans: [] }],
    };
    const inexactYear = await refusal(
      readQuestions(JSON.stringify(bigYear).replace('"year":1', '"year":1e300')),
    );
    expect(inexactYear.message).toMatch(/field "answers_objects\[0\]\.date\.year": a number too large/);
    const twoWiki = JSON.parse(fixture('2wikimultihopqa.json'))[0];
    twoWiki.supporting_facts.push(['Not There', 0]);
    expect((await refusal(readQuestions(JSON.stringify([twoWiki])))).message).toMatch(
      /2WikiMultihopQA .*field "supporting_facts\[\d+\]\[0\]": names a title that is not/,
    );
  });
});
