import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store';
import { collect, runCli, spawnCli } from './support/cli';
import { tempDir } from './support/workspace';

const DEMO = ['--seed', '7', '--passages', '300', '--questions', '60'];

function counts(dir: string) {
  const store = Store.open(dir);
  try {
    return {
      corpora: store.corpora.list().length,
      sets: store.questionSets.list().length,
      runs: store.teacherRuns.list().length,
      datasets: store.stepDatasets.list().length,
    };
  } finally {
    store.close();
  }
}

describe('command line', () => {
  it('demo: builds the embedded default and prints traces kept and examples per stage', async () => {
    const ws = tempDir();
    const r = await runCli(['demo', '--workspace', ws, ...DEMO]);
    expect(r.stderr).not.toMatch(/steper demo:/);
    expect(r.code).toBe(0);
    const traces = /Traces: (\d+), kept by the filter \(EM\): (\d+)/.exec(r.stdout)!;
    expect(Number(traces[1])).toBeGreaterThan(10);
    expect(Number(traces[2])).toBeGreaterThan(0);
    expect(Number(traces[2])).toBeLessThanOrEqual(Number(traces[1]));
    const examples = /init (\d+), exp (\d+), agg (\d+) examples/.exec(r.stdout)!;
    expect(Number(examples[1])).toBe(Number(traces[2]));
    expect(Number(examples[3])).toBe(Number(traces[2]));
    expect(r.stderr).toMatch(/teach job_\w+ · done · \d+\/\d+/);

    // teach / build / eval / list on that workspace.
    const teach = await runCli([
      'teach',
      '-w',
      ws,
      '--corpus',
      'corpus_demo',
      '--questions',
      'qset_demo_dev',
      '--limit',
      '5',
      '--loop',
      'self-ask',
    ]);
    expect(teach.code).toBe(0);
    expect(teach.stderr).toMatch(/Traces: 5, kept by the filter: \d+/);
    const runId = teach.stdout.trim();
    expect(runId).toMatch(/^run_/);
    const build = await runCli(['build', '-w', ws, '--run', runId, '--step-config', 'agg']);
    expect(build.code).toBe(0);
    expect(build.stderr).toMatch(/examples: init 0, exp 0, agg \d+/);
    const ev = await runCli([
      'eval',
      '-w',
      ws,
      '--corpus',
      'corpus_demo',
      '--questions',
      'qset_demo_test',
      '--limit',
      '4',
    ]);
    expect(ev.code).toBe(0);
    expect(ev.stderr).toMatch(
      /4 questions · EM [\d.]+ \[[\d.]+, [\d.]+\] · F1 [\d.]+ \[[\d.]+, [\d.]+\] · Acc [\d.]+ \[[\d.]+, [\d.]+\]/,
    );
    const list = await runCli(['list', 'runs', '-w', ws]);
    expect(list.stdout).toContain(runId);
    expect(list.stdout).toContain('run_demo');
    const resume = await runCli(['resume', '-w', ws]);
    expect(resume).toMatchObject({ code: 0 });
    expect(resume.stderr).toContain('No interrupted jobs.');

    // Bad inputs: a clear one-line error, exit 1, nothing written.
    const before = counts(ws);
    const negK = await runCli([
      'teach',
      '-w',
      ws,
      '--corpus',
      'corpus_demo',
      '--questions',
      'qset_demo_dev',
      '--k=-1',
    ]);
    expect(negK.code).toBe(1);
    expect(negK.stderr.trim()).toBe(
      'steper teach: teach config: field "topK": Too small: expected number to be >=1.',
    );
    const unknown = await runCli([
      'teach',
      '-w',
      ws,
      '--corpus',
      'corpus_nope',
      '--questions',
      'qset_demo_dev',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown corpus id "corpus_nope"/);
    const noModel = await runCli(['train', '-w', ws, '--dataset', 'steps_nope']);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/Unknown step dataset id "steps_nope"/);
    expect(counts(ws)).toEqual({ ...before });
  });

  it('index, questions and search; a malformed file names its line and writes nothing', async () => {
    const ws = tempDir();
    const dir = tempDir();
    const good = join(dir, 'corpus.jsonl');
    writeFileSync(
      good,
      '{"id":"a","title":"Alpha","text":"Alpha is a river."}\n{"id":"b","title":"Beta","text":"Beta is a town on the Alpha."}\n',
    );
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      '{"id":"a","title":"Alpha","text":"Alpha is a river."}\n{"id":"b","title":"Beta","txt":"oops"}\n',
    );

    const badRun = await runCli(['index', '-w', ws, '--passages', bad]);
    expect(badRun.code).toBe(1);
    expect(badRun.stderr).toMatch(/bad\.jsonl: Corpus at line 2.*field "text"/);
    expect(counts(ws).corpora).toBe(0);

    const ok = await runCli(['index', '-w', ws, '--passages', good, '--name', 'tiny']);
    expect(ok.code).toBe(0);
    const corpusId = ok.stdout.trim();
    expect(ok.stderr).toMatch(/index job_\w+ · done · 2\/2/);
    const search = await runCli(['search', '-w', ws, '--corpus', corpusId, '--query', 'town']);
    expect(search.stdout).toMatch(/^1\. \[[\d.]+\] Beta \(b\)/);

    const questions = join(dir, 'q.jsonl');
    writeFileSync(
      questions,
      `${JSON.stringify({ id: 'm1', question: 'Which river is Beta on?', answer: 'Alpha', answer_aliases: [], answerable: true, paragraphs: [{ idx: 0, title: 'Beta', paragraph_text: 'Beta is a town on the Alpha.', is_supporting: true }], question_decomposition: [{ id: 1, question: 'Which river is Beta on?', answer: 'Alpha', paragraph_support_idx: 0 }] })}\n`,
    );
    const q = await runCli(['questions', '-w', ws, '--file', questions, '--corpus', corpusId]);
    expect(q.stderr).not.toMatch(/steper questions:/);
    expect(q.code).toBe(0);
    expect(q.stderr).toContain('Imported 1 questions');
  });

  it('usage, unknown commands and serve: up with the demo, answers, stops on SIGTERM; no token, no public bind', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['serve', 'demo', 'index', 'teach', 'build', 'train', 'eval', 'resume'])
      expect(help.stdout).toContain(`steper ${c}`);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');

    const publicBind = await runCli(['serve', '-w', tempDir(), '--host', '0.0.0.0', '--port', '0'], {
      STEPER_TOKEN: '',
    });
    expect(publicBind.code).toBe(1);
    expect(publicBind.stderr).toMatch(/Binding to 0\.0\.0\.0 exposes the workbench.*STEPER_TOKEN/);
    const badEnv = await runCli(['list', '-w', tempDir()], { STEPER_PORT: 'eighty' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/Environment variable STEPER_PORT/);

    const ws = tempDir();
    const child = spawnCli(['serve', '--demo', '-w', ws, '--port', '0']);
    const done = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('close', () => reject(new Error('serve exited before printing its URL')));
    });
    const info = (await (await fetch(`${url}/trpc/system.info`)).json()) as {
      result: { data: { counts: unknown } };
    };
    expect(info.result.data.counts).toMatchObject({ corpora: 1, teacherRuns: 1, stepDatasets: 1 });
    child.kill('SIGTERM');
    const exit = await done;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/Demo workspace built in [\d.]+ s: \d+\/\d+ traces kept/);
    // The shipped students (public/demo) learnt this world: each is evaluated in the background.
    expect(exit.stderr).toMatch(
      /Evaluating Demo student: StepER \(public\/demo, \w+\) \(eval_\w+\) in the background/,
    );
    expect(exit.stderr).toMatch(/Evaluating Demo student: Vanilla-KD \(public\/demo, \w+\) \(eval_\w+\)/);
    // The default world is the standard preset's 12,000 questions: ~10 s alone, minutes beside other jobs.
  }, 300_000);
});
