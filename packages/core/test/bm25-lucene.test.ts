/**
 * Parity with Apache Lucene itself: the same real-text passages (300 passages of the Python
 * documentation, PSF License; see fixtures/lucene/README.md) indexed by Lucene 9 with
 * EnglishAnalyzer and BM25Similarity(1.2, 0.75), and by Bm25Index with the english analyser,
 * the text field alone and Lucene's one-byte document lengths. Checked: the same tokens for every
 * passage and query, and the same top 4 (up to ties) with the same scores within float error.
 *
 * Lucene's jars are fetched from Maven Central at test time into .cache/lucene (checked against
 * their published SHA-1). Needs `java` (11 or later) on the PATH: without it the test is skipped
 * and says so; CI has it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/bm25/index';
import type { Passage } from '../src/types/data';

const LUCENE_VERSION = '9.12.3';
const ARTIFACTS = ['lucene-core', 'lucene-analysis-common'];
const MAVEN = 'https://repo1.maven.org/maven2/org/apache/lucene';
const CACHE = join(import.meta.dirname, '../../../.cache/lucene', LUCENE_VERSION);
/** Lucene's BM25 leaves out the constant factor (k1 + 1) that this index keeps. */
const K1_PLUS_1 = 2.2;

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
const hasJava = java.error === undefined && java.status === 0;
if (!hasJava) {
  console.warn(
    '[bm25-lucene] SKIPPED: no `java` on the PATH. The Lucene parity test needs a JDK 11 or later ' +
      '(apt-get install default-jdk-headless); CI runs it.',
  );
}

async function luceneJars(): Promise<string[]> {
  mkdirSync(CACHE, { recursive: true });
  const jars: string[] = [];
  for (const artifact of ARTIFACTS) {
    const file = join(CACHE, `${artifact}-${LUCENE_VERSION}.jar`);
    if (!existsSync(file)) {
      const url = `${MAVEN}/${artifact}/${LUCENE_VERSION}/${artifact}-${LUCENE_VERSION}.jar`;
      const [jar, sha1] = await Promise.all([fetch(url), fetch(`${url}.sha1`)]);
      if (!jar.ok || !sha1.ok)
        throw new Error(`could not fetch ${url} from Maven Central (HTTP ${jar.status})`);
      const bytes = new Uint8Array(await jar.arrayBuffer());
      const expected = (await sha1.text()).trim().split(/\s+/)[0];
      const actual = createHash('sha1').update(bytes).digest('hex');
      if (actual !== expected) throw new Error(`${url}: SHA-1 ${actual}, Maven Central says ${expected}`);
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
    }
    jars.push(file);
  }
  return jars;
}

const passages: Passage[] = readFileSync(
  new URL('./fixtures/lucene/python-docs.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Passage);

/** Tokeniser corner cases: possessives, contractions, acronyms, numbers, code, Unicode. */
const TRICKY = [
  "Python's dict isn't ordered? It's been ordered since 3.7; don't rely on CPython's internals.",
  'U.S.A. e.g. i.e. 3.14159 1,000,000 10.0.0.1 x86_64 __init__ a:b http://example.com/path?q=1',
  'Zoë’s café — naïve résumé; ΟΔΟΣ İstanbul straße ＡＢＣ 東京都 ひらがな カタカナ',
  "rock'n'roll O'Neill's students' teachers' 'quoted' ''double'' _private ___ foo_bar_",
  'Running runs ran easily fairly generalizations argument arguing conditional relational',
];

const sentences = passages.flatMap((p) =>
  p.text.split(/(?<=[.!?])\s+/).filter((s) => s.split(' ').length >= 4),
);
const queries = [
  ...TRICKY,
  ...sentences.filter((_, i) => i % 23 === 0).slice(0, 40),
  ...Array.from({ length: 20 }, (_, i) => sentences.slice(i * 31, i * 31 + 5).join(' ')),
  'string formatting',
  'datetime timezone aware objects',
  'unicode normalization form',
  'list comprehension',
  "the interpreter's exit status",
  'why is it so',
];

describe.skipIf(!hasJava)('parity with Apache Lucene 9 (EnglishAnalyzer, BM25Similarity 1.2 / 0.75)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steper-lucene-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const docTexts = passages.map((p) => p.text.replace(/\s+/g, ' '));

  let lucene: { tokens: string[][]; top: { doc: number; score: number }[][] } | undefined;
  async function runLucene() {
    if (lucene) return lucene;
    const jars = await luceneJars();
    writeFileSync(join(dir, 'docs.txt'), `${docTexts.join('\n')}\n`);
    writeFileSync(join(dir, 'queries.txt'), `${queries.map((q) => q.replace(/\s+/g, ' ')).join('\n')}\n`);
    const run = spawnSync(
      'java',
      [
        '-cp',
        jars.join(process.platform === 'win32' ? ';' : ':'),
        join(import.meta.dirname, 'lucene/LuceneParity.java'),
        join(dir, 'docs.txt'),
        join(dir, 'queries.txt'),
        join(dir, 'out.txt'),
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`LuceneParity.java failed: ${run.stderr || run.error}`);
    const lines = readFileSync(join(dir, 'out.txt'), 'utf8').split('\n');
    const tokens = lines.filter((l) => l.startsWith('T\t')).map((l) => l.slice(2).split(' ').filter(Boolean));
    const top = lines
      .filter((l) => l.startsWith('Q\t'))
      .map((l) =>
        l
          .slice(2)
          .split(' ')
          .filter(Boolean)
          .map((h) => ({ doc: Number(h.split(':')[0]), score: Number(h.split(':')[1]) })),
      );
    lucene = { tokens, top };
    return lucene;
  }

  it('analyses every passage and query into the same tokens as EnglishAnalyzer', async () => {
    const { tokens } = await runLucene();
    const index = Bm25Index.build(passages.slice(0, 1), { analyzer: { name: 'english' } });
    const texts = [...docTexts, ...queries];
    expect(tokens).toHaveLength(texts.length);
    const differing = texts
      .map((t, i) => ({ text: t, lucene: tokens[i]!, ours: index.analyze(t) }))
      .filter((r) => r.lucene.join(' ') !== r.ours.join(' '));
    expect(differing.slice(0, 3)).toEqual([]);
  }, 120_000);

  it('ranks the same top 4 (up to ties) with the same scores, with Lucene document lengths', async () => {
    const { top } = await runLucene();
    const index = Bm25Index.build(passages, {
      analyzer: { name: 'english' },
      fields: 'text',
      docLengths: 'lucene',
    });
    let compared = 0;
    queries.forEach((q, i) => {
      const theirs = top[i]!;
      const ours = index.search(q, 4);
      expect(ours.length, q).toBe(theirs.length);
      ours.forEach((h, r) => {
        const expected = theirs[r]!.score;
        expect(Math.abs(h.score / K1_PLUS_1 - expected), q).toBeLessThanOrEqual(2e-5 * expected + 1e-6);
        // A different document only where Lucene's list has a tie at this score.
        if (h.doc !== theirs[r]!.doc) {
          const tied = theirs.filter((t) => Math.abs(t.score - expected) <= 2e-5 * expected);
          expect(tied.length > 1 || r === theirs.length - 1, q).toBe(true);
        }
      });
      compared++;
    });
    expect(compared).toBe(queries.length);
  }, 120_000);

  it('with exact document lengths (the default) agrees on most of the top 4', async () => {
    const { top } = await runLucene();
    const index = Bm25Index.build(passages, { analyzer: { name: 'english' }, fields: 'text' });
    let overlap = 0;
    queries.forEach((q, i) => {
      const theirs = top[i]!.map((h) => h.doc);
      const ours = index.search(q, 4).map((h) => h.doc);
      overlap += theirs.length === 0 ? 1 : ours.filter((d) => theirs.includes(d)).length / theirs.length;
    });
    expect(overlap / queries.length).toBeGreaterThan(0.85);
  }, 120_000);
});
