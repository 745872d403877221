import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index, generateSyntheticWorld, type Question } from '@steper/core';
import { ensureDemo } from '../../src/demo/demo';
import { writeFileAtomic } from '../../src/store/blobs';
import { blobPaths } from '../../src/store/store';
import { Workbench } from '../../src/workbench';

export interface LoadWorkspace {
  dir: string;
  /** The big run the explorer browses. */
  runId: string;
  questionSetId: string;
  /** The demo's step dataset, for annotations. */
  datasetId: string;
  built: boolean;
  seconds: number;
}

const BIG = { corpus: 'corpus_load', questionSet: 'qset_load', run: 'run_load' };

/**
 * A workspace of `passages` synthetic-world passages (indexed) and one finished teacher run of
 * `traces` traces, cached under `cacheDir` by its size so a rerun reuses it. Built through the
 * store's own functions: the traces are the demo's evidence-teacher traces, cycled over the
 * world's questions (each question id made unique), inserted with insertTrace in large
 * transactions. Built in a temp folder and renamed: never half a cache.
 */
export async function loadWorkspace(
  cacheDir: string,
  passages: number,
  traces: number,
): Promise<LoadWorkspace> {
  const dir = join(cacheDir, `load-${passages}-${traces}`);
  const t0 = performance.now();
  const ids = { runId: BIG.run, questionSetId: BIG.questionSet };
  if (existsSync(join(dir, 'steper.db'))) {
    const wb = new Workbench({ workspace: dir, env: {} });
    const datasetId = wb.store.stepDatasets.list()[0]!.id;
    await wb.close();
    return { dir, ...ids, datasetId, built: false, seconds: (performance.now() - t0) / 1000 };
  }
  const tmp = `${dir}.building`;
  rmSync(tmp, { recursive: true, force: true });
  const wb = new Workbench({ workspace: tmp, env: {} });
  try {
    // The demo: a small corpus, question sets, an evidence-teacher run and step data to annotate.
    const demo = await ensureDemo(wb, { seed: 5, passages: 2000, questions: 600 });
    const demoTraces = wb.store.teacherRuns.allTraces(demo.teacherRunId);
    const { store } = wb;

    const world = generateSyntheticWorld({ seed: 17, passages });
    store.corpora.create({
      id: BIG.corpus,
      name: `load: ${passages} passages`,
      source: { synthetic: 17 },
      passages: world.corpus,
    });
    const index = Bm25Index.build(world.corpus);
    const bytes = index.toBytes();
    const rel = blobPaths.corpusIndex(BIG.corpus);
    await writeFileAtomic(store.path(rel), bytes);
    store.corpora.setIndex(BIG.corpus, rel, {
      passages: index.size,
      vocabulary: index.vocabularySize,
      bytes: bytes.byteLength,
      buildMs: 0,
    });

    const questions: Question[] = Array.from({ length: traces }, (_, i) => {
      const q = world.questions[i % world.questions.length]!;
      return { ...q, id: `${q.id}~${i}` };
    });
    store.questionSets.create({
      id: BIG.questionSet,
      name: `load: ${traces} questions`,
      dataset: 'synthetic',
      source: { synthetic: 17 },
      questions,
    });
    store.teacherRuns.create({
      id: BIG.run,
      name: `load: ${traces} traces`,
      corpusId: BIG.corpus,
      questionSetId: BIG.questionSet,
      loop: 'ircot',
      maxSteps: 4,
      topK: 4,
      generator: 'evidence',
      config: { synthetic: true },
      questionTotal: traces,
    });
    for (let start = 0; start < traces; start += 10_000) {
      store.transaction(() => {
        for (let i = start; i < Math.min(traces, start + 10_000); i++) {
          const source = demoTraces[i % demoTraces.length]!;
          const q = questions[i]!;
          store.teacherRuns.insertTrace(
            BIG.run,
            {
              ...source,
              questionId: q.id,
              idx: i,
              trace: { ...source.trace, questionId: q.id, question: q.question },
            },
            0,
          );
        }
      });
    }
    store.teacherRuns.setStatus(BIG.run, 'done');
    await wb.close();
    renameSync(tmp, dir);
    return { dir, ...ids, datasetId: demo.datasetId, built: true, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    await wb.close();
    throw err;
  }
}
