/**
 * The benchmark's corpora and query sets.
 * - synthetic: the synthetic world of packages/core, with its questions; beyond the largest world
 *   (2M passages: its person names run out near 2.8M) several worlds of consecutive seeds, joined;
 * - real: real English text from Debian packages (see real-corpus.ts), 202,499 passages, or its
 *   first BENCH_PASSAGES.
 * Query sets, drawn with a fixed seed: one sentence of a passage (an IRCoT step query), five
 * sentences of different passages joined (what a loop sends when it queries with its whole
 * reasoning so far), and a sweep of queries of exactly n analysed terms, each a window of running
 * passage text, for n from 1 to 100.
 */
import { generateSyntheticWorld, SYNTHETIC_MAX_PASSAGES } from '../../packages/core/src/synthetic/index';
import type { Passage } from '../../packages/core/src/types/data';
import { Rng } from '../../packages/core/src/util/rng';
import { REAL_TEXT_SOURCE, realCorpus } from './real-corpus';

export type CorpusKind = 'synthetic' | 'real';

export interface BenchCorpus {
  kind: CorpusKind;
  source: string;
  corpus: Passage[];
  /** The world's questions (synthetic only). */
  questions: string[];
}

export interface QuerySet {
  name: string;
  queries: string[];
}

export const SWEEP_TERMS = [1, 2, 4, 8, 16, 32, 64, 100];

export function benchCorpus(kind: CorpusKind, seed: number, passages: number): BenchCorpus {
  if (kind === 'synthetic') {
    const worlds = Math.ceil(passages / SYNTHETIC_MAX_PASSAGES);
    const corpus: Passage[] = [];
    const questions: string[] = [];
    for (let w = 0; w < worlds; w++) {
      const size = Math.min(Math.ceil(passages / worlds), passages - corpus.length);
      const world = generateSyntheticWorld({ seed: seed + w, passages: size });
      // Ids stay unique across worlds; texts and titles are each world's own.
      for (const p of world.corpus) corpus.push(worlds === 1 ? p : { ...p, id: `w${w}:${p.id}` });
      for (const q of world.questions) questions.push(q.question);
    }
    return {
      kind,
      source:
        worlds === 1
          ? `synthetic world, seed ${seed}`
          : `${worlds} synthetic worlds, seeds ${seed}–${seed + worlds - 1}, joined`,
      corpus,
      questions,
    };
  }
  return { kind, source: REAL_TEXT_SOURCE, corpus: realCorpus(undefined, passages), questions: [] };
}

/** The query sets for a corpus; `analyze` is the index's analyser (to count terms). */
export function querySets(
  c: BenchCorpus,
  analyze: (text: string) => string[],
  seed: number,
  perSet: number,
): QuerySet[] {
  const rng = new Rng(seed + 1);
  const sentence = (): string => {
    for (;;) {
      const sentences = rng
        .pick(c.corpus)
        .text.split(/(?<=[.!?])\s+/)
        .filter((s) => analyze(s).length > 0);
      if (sentences.length > 0) return rng.pick(sentences);
    }
  };
  const sets: QuerySet[] = [];
  if (c.questions.length > 0) sets.push({ name: 'question', queries: rng.sample(c.questions, perSet) });
  sets.push({ name: '1 sentence', queries: Array.from({ length: perSet }, sentence) });
  sets.push({
    name: '5 sentences',
    queries: Array.from({ length: perSet }, () => Array.from({ length: 5 }, sentence).join(' ')),
  });
  for (const n of SWEEP_TERMS) {
    sets.push({
      name: `${n} term${n === 1 ? '' : 's'}`,
      queries: Array.from({ length: perSet }, () => window(n)),
    });
  }
  return sets;

  /** Running text from a random point of a random passage on, cut where it has n analysed terms. */
  function window(n: number): string {
    let d = rng.int(c.corpus.length);
    let words = c.corpus[d]!.text.split(/\s+/).filter((w) => w.length > 0);
    words = words.slice(rng.int(Math.max(1, words.length - 1)));
    const out: string[] = [];
    let terms = 0;
    for (;;) {
      for (const w of words) {
        const t = analyze(w).length;
        if (t === 0 || terms + t > n) continue;
        out.push(w);
        terms += t;
        if (terms === n) return out.join(' ');
      }
      d = (d + 1) % c.corpus.length;
      words = c.corpus[d]!.text.split(/\s+/).filter((w) => w.length > 0);
    }
  }
}
