import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAiDouble } from '../../test/support/openaiDouble';
import { type ChaosReport, check, cli, integrity, killGroup, readDb, sleep, until } from './kit';

export interface TeachChaos {
  workspace: string;
  corpusId: string;
  questionSetId: string;
  questions: number;
  lm: OpenAiDouble;
  kills: number;
  deadline: number;
  rand: () => number;
}

const CONCURRENCY = 3;

/**
 * (1) A teacher run through the CLI (`steper teach`, then `steper resume JOB`), SIGKILLed at random
 * moments against the loopback LM double; then resumed to the end without a kill. Checks every
 * question has exactly one trace, and that no teacher call was repeated beyond those in flight at
 * a kill: the double's request log against the workspace's teacher cache.
 */
export async function teachChaos(o: TeachChaos): Promise<ChaosReport> {
  const failures: string[] = [];
  const config = {
    name: 'chaos',
    corpusId: o.corpusId,
    questionSetId: o.questionSetId,
    teacher: {
      kind: 'openai',
      baseURL: o.lm.baseURL,
      model: 'double',
      api: 'completions',
      concurrency: CONCURRENCY,
    },
    concurrency: CONCURRENCY,
    limit: o.questions,
  };
  const configPath = join(o.workspace, 'teach-chaos.json');
  writeFileSync(configPath, JSON.stringify(config));
  const runRow = () =>
    readDb(o.workspace, (db) =>
      db.prepare("SELECT id, job_id AS jobId, status FROM teacher_runs WHERE name = 'chaos'").get(),
    ) as { id: string; jobId: string | null; status: string } | undefined;

  let kills = 0;
  let inFlightAtKills = 0;
  let finishedBeforeKill = 0;
  while (kills < o.kills && Date.now() < o.deadline) {
    const run = runRow();
    if (run?.status === 'done') break;
    const proc =
      run?.jobId == null
        ? cli(['teach', '--workspace', o.workspace, '--config', configPath])
        : cli(['resume', run.jobId, '--workspace', o.workspace]);
    // A random moment: often during start-up, mostly while calls are in flight.
    await Promise.race([sleep(300 + o.rand() * 3500), proc.exited]);
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      finishedBeforeKill += 1;
      continue;
    }
    inFlightAtKills += o.lm.inFlight;
    await killGroup(proc);
    kills += 1;
  }
  // The end: resume until done, no kill.
  for (let i = 0; i < 3 && runRow()?.status !== 'done'; i++) {
    const run = runRow();
    const proc = run?.jobId
      ? cli(['resume', run.jobId, '--workspace', o.workspace])
      : cli(['teach', '--workspace', o.workspace, '--config', configPath]);
    const r = await proc.exited;
    if (r.code !== 0) failures.push(`final resume exited ${r.code}: ${r.stderr.slice(-500)}`);
  }
  // In-flight answers to the dead process may still be arriving at the double.
  await until(() => o.lm.inFlight === 0, 5000);

  const run = runRow();
  const traces = run
    ? readDb(
        o.workspace,
        (db) =>
          db
            .prepare(
              'SELECT question_id AS q, COUNT(*) AS n FROM traces WHERE run_id = ? GROUP BY question_id',
            )
            .all(run.id) as {
            q: string;
            n: number;
          }[],
      )
    : [];
  const expected = readDb(o.workspace, (db) =>
    (
      db
        .prepare('SELECT id AS q FROM questions WHERE set_id = ? ORDER BY idx LIMIT ?')
        .all(o.questionSetId, o.questions) as { q: string }[]
    ).map((r) => r.q),
  );
  const have = new Set(traces.map((t) => t.q));
  const lost = expected.filter((q) => !have.has(q)).length;
  const duplicated = traces.filter((t) => t.n > 1).length;
  // Calls: every prompt the double answered, against what the cache holds and counts.
  const prompts = o.lm.requests.map((r) => String(r.body.prompt));
  const repeated = prompts.length - new Set(prompts).size;
  const cache = readDb(o.workspace, (db) => ({
    entries: (db.prepare('SELECT COUNT(*) AS n FROM teacher_cache').get() as { n: number }).n,
    doubleLogged: (
      db
        .prepare(
          'SELECT COUNT(*) AS n FROM (SELECT key FROM teacher_calls WHERE ok = 1 GROUP BY key HAVING COUNT(*) > 1)',
        )
        .get() as {
        n: number;
      }
    ).n,
  }));
  const ok = integrity(o.workspace);

  check(failures, run?.status === 'done', `run ends done (is ${run?.status})`);
  check(failures, lost === 0, `${lost} trace(s) lost`);
  check(failures, duplicated === 0, `${duplicated} question(s) with more than one trace`);
  check(
    failures,
    repeated <= inFlightAtKills,
    `${repeated} repeated teacher call(s) > ${inFlightAtKills} in flight at kills`,
  );
  check(failures, cache.doubleLogged === 0, `${cache.doubleLogged} cached answer(s) logged as sent twice`);
  check(failures, ok === 'ok', `integrity_check: ${ok}`);
  check(failures, kills >= o.kills, `only ${kills} kill(s) before the run ended or time ran out`);
  return {
    scenario: 'teacher run (steper teach / resume)',
    kills,
    figures: {
      questions: expected.length,
      traces: traces.reduce((n, t) => n + t.n, 0),
      'traces lost': lost,
      'traces duplicated': duplicated,
      'teacher requests (double log)': prompts.length,
      'distinct prompts': new Set(prompts).size,
      'cache entries': cache.entries,
      'repeated calls': repeated,
      'in flight at kills (bound)': inFlightAtKills,
      'exited before the kill': finishedBeforeKill,
      integrity_check: ok,
    },
    failures,
  };
}
