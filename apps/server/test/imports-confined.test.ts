import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORTS_DIR } from '../src/corpora/confine';
import { callerFor, failure } from './support/caller';
import { tempDir, testWorkbench } from './support/workspace';

const PASSAGES = '{"id":"a","title":"Alpha","text":"Alpha is a river."}\n';
const SECRET = 'root:$6$salt$hash:19000:0:99999:7:::\n';

describe('imports over the API', () => {
  it('read files only from the workspace imports folder, and a parse error never repeats the file', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const imports = wb.store.path(IMPORTS_DIR);
    mkdirSync(imports, { recursive: true });
    const outside = join(tempDir(), 'secret.jsonl');
    writeFileSync(outside, SECRET);
    writeFileSync(join(wb.store.dir, 'beside.jsonl'), PASSAGES);
    symlinkSync(outside, join(imports, 'link.jsonl'));
    writeFileSync(join(imports, 'tiny.jsonl'), PASSAGES);
    writeFileSync(join(imports, 'shadow.jsonl'), SECRET);

    for (const path of ['/etc/passwd', outside, '../beside.jsonl', 'link.jsonl']) {
      const corpus = await failure(api.corpora.import({ name: 'x', source: { path } }));
      expect(corpus.code).toBe('BAD_REQUEST');
      expect(corpus.message).toMatch(/^field "source.path": over the API a file is read only from/);
      const questions = await failure(api.questionSets.import({ name: 'x', source: { path } }));
      expect(questions.message).toMatch(/^field "source.path": over the API/);
    }
    expect(
      (await failure(api.corpora.import({ name: 'x', source: { path: 'nope.jsonl' } }))).message,
    ).toMatch(/no file "nope.jsonl" in the workspace's imports\/ folder/);
    expect(wb.store.corpora.list()).toEqual([]);

    // Inside the folder, by name or by absolute path, it imports.
    const byName = await api.corpora.import({ name: 'tiny', source: { path: 'tiny.jsonl' } });
    expect(byName.corpus.passageCount).toBe(1);
    const byPath = await api.corpora.import({ name: 'tiny2', source: { path: join(imports, 'tiny.jsonl') } });
    expect(byPath.corpus.passageCount).toBe(1);

    // Not JSON: the error names the line, never the text.
    for (const source of [{ path: 'shadow.jsonl' }, { content: SECRET, filename: 'up.jsonl' }]) {
      const err = await failure(api.corpora.import({ name: 'x', source }));
      expect(err.message).toMatch(/line 1: not valid JSON/);
      expect(err.message).not.toMatch(/root|salt/);
    }
  });

  it('a training run over the API reads its data files only from the workspace', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const outside = join(tempDir(), 'secret.jsonl');
    writeFileSync(outside, SECRET);
    mkdirSync(wb.store.path(IMPORTS_DIR), { recursive: true });
    symlinkSync(outside, wb.store.path(`${IMPORTS_DIR}/link.jsonl`));
    const refused = [
      { data: '/etc/passwd' },
      { data: outside },
      { data: '../../etc/passwd' },
      { data: `${IMPORTS_DIR}/link.jsonl` },
      { data: 42 },
      { data: wb.store.path('steps.jsonl'), eval_data: outside },
    ];
    for (const config of refused) {
      const err = await failure(api.training.start({ config: { model: 'tiny', ...config } }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(
        /^training config: field "(data|eval_data)": over the API the trainer reads files only from this workspace/,
      );
    }
    expect(wb.store.trainingRuns.list()).toEqual([]);
  });
});
