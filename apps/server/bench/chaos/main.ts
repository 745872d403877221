/**
 * `npm run chaos`: SIGKILLs the workbench at random moments and checks what survives.
 *   (1) a teacher run through the CLI, resumed after each kill;
 *   (2) index builds;
 *   (3) bursts of annotations through the HTTP API of `steper serve`;
 *   (4) a training run of the real trainer on a tiny model.
 * The teacher is a test double for a remote LM: an OpenAI-compatible server in this process on
 * 127.0.0.1 (test/support/openaiDouble), answering after a fixed latency and logging every request
 * (written to OUT/lm-requests.jsonl). No traffic leaves loopback. Every loop is bounded by a kill
 * count and a deadline. Exits 1 when a check fails.
 *
 * Usage: tsx apps/server/bench/chaos/main.ts [--kills 20] [--budget-s 600] [--seed N]
 *          [--only teach,index,annotate,train] [--out bench/.out/chaos]
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemo } from '../../src/demo/demo';
import { REPO_ROOT } from '../../src/paths';
import { Workbench } from '../../src/workbench';
import { startOpenAiDouble } from '../../test/support/openaiDouble';
import { buildTinyModel, TINY_TEXTS } from '../../test/support/tinyTeacher';
import { annotateChaos } from './annotate';
import { indexChaos } from './index-build';
import { type ChaosReport, random } from './kit';
import { teachChaos } from './teach';
import { trainChaos } from './train';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    'budget-s': { type: 'string', default: '600' },
    seed: { type: 'string' },
    only: { type: 'string', default: 'teach,index,annotate,train' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', '.out', 'chaos') },
  },
});
const kills = Number(values.kills);
const budgetMs = Number(values['budget-s']) * 1000;
const seed = Number(values.seed ?? Date.now() % 1_000_000);
const only = new Set(values.only.split(','));
const out = values.out;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const rand = random(seed);
console.log(
  `chaos: ${kills} SIGKILLs per scenario, at most ${budgetMs / 1000} s each, seed ${seed}, work in ${out}`,
);

// One demo workspace (corpus, question sets, a teacher run, step data), copied for each scenario.
const base = join(out, 'base');
const t0 = performance.now();
const wb = new Workbench({ workspace: base, env: {} });
const demo = await ensureDemo(wb, { seed: 11, passages: 1200, questions: 400 });
const trainQuestions = wb.store.questionSets.require(demo.questionSetIds.train).questionCount;
const exampleIds = wb.store.stepDatasets
  .examples(demo.datasetId, { offset: 0, limit: 40 })
  .items.map((e) => e.id);
await wb.close();
console.log(
  `demo workspace built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${trainQuestions} train questions)`,
);
const workspace = (name: string) => {
  const dir = join(out, name);
  cpSync(base, dir, { recursive: true });
  return dir;
};

const reports: ChaosReport[] = [];
/** A scenario that throws is reported as failed; the others still run. */
async function scenario(name: string, run: () => Promise<ChaosReport>): Promise<void> {
  try {
    reports.push(await run());
  } catch (err) {
    reports.push({
      scenario: name,
      kills: 0,
      figures: {},
      failures: [`crashed: ${(err as Error).stack ?? err}`],
    });
  }
}
const lm = await startOpenAiDouble({ latencyMs: 150 });
try {
  if (only.has('teach')) {
    await scenario('teacher run', () =>
      teachChaos({
        workspace: workspace('teach'),
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.train,
        questions: Math.min(trainQuestions, 200),
        lm,
        kills,
        deadline: Date.now() + budgetMs,
        rand,
      }),
    );
    writeFileSync(
      join(out, 'lm-requests.jsonl'),
      lm.requests
        .map((r) => `${JSON.stringify({ at: r.at, path: r.path, prompt: r.body.prompt })}\n`)
        .join(''),
    );
  }
  if (only.has('index')) {
    const passages = 20_000;
    const file = join(out, 'passages.jsonl');
    const r = random(seed + 1);
    const word = () => `w${Math.floor(r() * 20_000)}`;
    const lines = Array.from({ length: passages }, (_, i) => {
      const text = Array.from({ length: 40 }, word).join(' ');
      return `${JSON.stringify({ id: `p${i}`, title: `T${i}`, text })}\n`;
    });
    writeFileSync(file, lines.join(''));
    const dir = join(out, 'index');
    mkdirSync(dir, { recursive: true });
    await scenario('index build', () =>
      indexChaos({
        workspace: dir,
        passagesFile: file,
        passages,
        kills,
        deadline: Date.now() + budgetMs,
        rand,
      }),
    );
  }
  if (only.has('annotate')) {
    await scenario('annotation bursts', () =>
      annotateChaos({
        workspace: workspace('annotate'),
        datasetId: demo.datasetId,
        exampleIds,
        clients: 8,
        kills,
        deadline: Date.now() + budgetMs,
        rand,
      }),
    );
  }
  if (only.has('train')) {
    if (!existsSync(join(REPO_ROOT, 'apps', 'trainer', '.venv'))) {
      reports.push({
        scenario: 'training run',
        kills: 0,
        figures: {},
        failures: ['no trainer environment (apps/trainer/.venv)'],
      });
    } else {
      const model = await buildTinyModel(TINY_TEXTS);
      await scenario('training run', () =>
        trainChaos({
          workspace: workspace('train'),
          datasetId: demo.datasetId,
          model,
          steps: 90,
          kills,
          deadline: Date.now() + budgetMs,
          rand,
        }),
      );
    }
  }
} finally {
  await lm.close();
}

let failed = 0;
for (const r of reports) {
  console.log(`\n== ${r.scenario}: ${r.kills} SIGKILLs — ${r.failures.length ? 'FAILED' : 'ok'}`);
  for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k.padEnd(42)} ${v}`);
  for (const f of r.failures) console.log(`  ✗ ${f}`);
  failed += r.failures.length;
}
console.log(failed ? `\nchaos: ${failed} failed check(s)` : '\nchaos: every check passed');
process.exitCode = failed ? 1 : 0;
