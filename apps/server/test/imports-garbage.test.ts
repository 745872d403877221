import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store';
import { callerFor, failure } from './support/caller';
import { runCli } from './support/cli';
import { tempDir, testWorkbench } from './support/workspace';

const GOOD = '{"id":"a","title":"Alpha","text":"Alpha is a river."}';
const question = (change: Record<string, unknown>) =>
  JSON.stringify([
    {
      _id: 'h1',
      question: 'Who directed Blue Harbor?',
      answer: 'Bo Lin',
      supporting_facts: [['Blue Harbor', 0]],
      context: [['Blue Harbor', ['Blue Harbor is a film directed by Bo Lin.']]],
      ...change,
    },
  ]);

describe('garbage in an import is refused, naming the line or record and the field', () => {
  it('over the API: nothing is stored', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const passages = (content: string) =>
      api.corpora.import({ name: 'x', source: { content, filename: 'c.jsonl' } });
    const questions = (content: string) =>
      api.questionSets.import({ name: 'x', source: { content, filename: 'q.json' } });
    const cases: [Promise<unknown>, RegExp][] = [
      [
        passages(`${GOOD}\n{"id":"b","title":"","text":""}`),
        /line 2, record #1, id "b": field "text": blank/,
      ],
      [passages('{"id":"  ","title":"T","text":"t"}'), /line 1, .*field "id": blank/],
      [passages('{"id":12345678901234567891,"title":"T","text":"t"}'), /field "id": a number too large/],
      [
        passages(`${GOOD}\n{"id":"b","title":"T","text":"caf\uFFFD"}`),
        /line 2, .*field "text": holds U\+FFFD/,
      ],
      [passages('{"id":"b","title":"T","text":"\\udc00"}'), /field "text": holds a lone surrogate/],
      [questions(question({ answer: ' ' })), /record #0, id "h1": field "answer": blank/],
      [
        questions(question({ supporting_facts: [['Elsewhere', 0]] })),
        /field "supporting_facts\[0\]\[0\]": names a title/,
      ],
      [questions(question({ context: [], supporting_facts: [] })), /field "context": empty/],
    ];
    for (const [call, message] of cases) {
      const err = await failure(call);
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(message);
    }
    expect(wb.store.corpora.list()).toEqual([]);
    expect(wb.store.questionSets.list()).toEqual([]);
  });

  it('on the command line: bytes that are not UTF-8 name their line', async () => {
    const ws = tempDir();
    const file = join(tempDir(), 'latin1.jsonl');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${GOOD}\n{"id":"b","title":"Caf`),
        Buffer.from([0xe9]),
        Buffer.from('","text":"t"}\n'),
      ]),
    );
    const r = await runCli(['index', '--workspace', ws, '--name', 'x', '--passages', file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/latin1\.jsonl: Corpus at line 2: not valid UTF-8 text/);
    const store = Store.open(ws);
    expect(store.corpora.list()).toEqual([]);
    store.close();
  }, 60_000);
});
