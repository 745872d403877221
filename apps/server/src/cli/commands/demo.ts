import { parseArgs } from 'node:util';
import { ensureDemo } from '../../demo/demo';
import { defined, int } from '../args';
import { GLOBAL_OPTIONS, openWorkbench } from '../context';
import { terminalProgress } from '../progress';

export const DEMO_HELP = `steper demo [--workspace DIR] [--seed N --passages N --questions N]
  The embedded default end to end: synthetic world → BM25 index → IRCoT with the evidence teacher
  → filtered step-wise dataset; prints the traces kept and the examples of each stage. With no
  world named, the standard preset's (seed 42, 3000 passages, 12000 questions, plain, K = 2);
  a world named by size is paraphrased and retrieved with K = 4.`;

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      seed: { type: 'string' },
      passages: { type: 'string' },
      questions: { type: 'string' },
    },
    strict: true,
  });
  const wb = openWorkbench(values);
  try {
    const t0 = performance.now();
    const progress = terminalProgress();
    const d = await ensureDemo(wb, {
      ...defined({
        seed: int(values.seed, 'seed'),
        passages: int(values.passages, 'passages'),
        questions: int(values.questions, 'questions'),
      }),
      onProgress: (job) => progress({ seq: 0, job }),
    });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    const c = d.counts;
    const out = [
      `Demo workspace: ${wb.store.dir} (${d.created ? `built in ${s} s` : 'already built'})`,
      `Corpus ${d.corpusId}; teacher run ${d.teacherRunId} (evidence teacher, offline, no LM; IRCoT, S=5, K=${d.topK})`,
      `Traces: ${c.traces}, kept by the filter (EM): ${c.kept}`,
      `Step dataset ${d.datasetId}: init ${c.examples.init}, exp ${c.examples.exp}, agg ${c.examples.agg} examples`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}
