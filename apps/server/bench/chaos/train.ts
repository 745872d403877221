import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChaosReport, check, cli, integrity, killGroup, readDb, sleep, until } from './kit';

export interface TrainChaos {
  workspace: string;
  datasetId: string;
  /** A tiny trainer model folder (test/support/tinyTeacher's buildTinyModel). */
  model: string;
  steps: number;
  kills: number;
  deadline: number;
  rand: () => number;
}

interface Event {
  event: string;
  step?: number;
  totalSteps?: number;
  resumedFromStep?: number | null;
}

/** Steps of the run's complete checkpoints (a folder with trainer_state.json, written last). */
function checkpoints(runDir: string): number[] {
  const root = join(runDir, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(root, m[0], 'trainer_state.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * (4) A training run of the real trainer on a tiny model (`steper train`, then `steper resume`),
 * the CLI and the trainer SIGKILLed together at random moments. Each resume must start from the
 * newest complete checkpoint at the kill, and the run must end at the step it was configured for.
 */
export async function trainChaos(o: TrainChaos): Promise<ChaosReport> {
  const failures: string[] = [];
  const configPath = join(o.workspace, 'train-chaos.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      name: 'chaos',
      datasetId: o.datasetId,
      config: {
        model: o.model,
        objective: 'steper-difficulty',
        device: 'cpu',
        epochs: 1,
        batch_size: 2,
        max_steps: o.steps,
        eval_fraction: 0.25,
        max_seq_len: 256,
        lr: 1e-3,
        checkpoint_every: 2,
        eval_every: 0,
        gradient_checkpointing: false,
      },
    }),
  );
  const run = () =>
    readDb(o.workspace, (db) =>
      db
        .prepare(
          "SELECT id, job_id AS jobId, status, run_dir AS runDir FROM training_runs WHERE name = 'chaos'",
        )
        .get(),
    ) as { id: string; jobId: string | null; status: string; runDir: string } | undefined;
  const events = (id: string): Event[] =>
    readDb(o.workspace, (db) =>
      (
        db.prepare('SELECT data FROM training_events WHERE run_id = ? ORDER BY seq').all(id) as {
          data: string;
        }[]
      ).map((r) => JSON.parse(r.data) as Event),
    );

  let kills = 0;
  let endedBeforeKill = 0;
  // The newest complete checkpoint at each kill: the next start must resume from it.
  const expectedResumes: number[] = [];
  while (kills < o.kills && Date.now() < o.deadline) {
    const r = run();
    if (r?.status === 'done') break;
    const proc = r?.jobId
      ? cli(['resume', r.jobId, '--workspace', o.workspace])
      : cli(['train', '--workspace', o.workspace, '--config', configPath]);
    // A quarter of the kills land in start-up (seconds of Python imports), the rest while it trains.
    if (o.rand() < 0.25) await Promise.race([sleep(500 + o.rand() * 5500), proc.exited]);
    else {
      const startsBefore = r ? events(r.id).filter((e) => e.event === 'start').length : 0;
      const started = () => {
        const now = run();
        return !!now && events(now.id).filter((e) => e.event === 'start').length > startsBefore;
      };
      await Promise.race([until(started, 60_000, 100), proc.exited]);
      await Promise.race([sleep(o.rand() * 3000), proc.exited]);
    }
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      endedBeforeKill += 1;
      continue;
    }
    await killGroup(proc);
    kills += 1;
    const after = run();
    if (after) expectedResumes.push(checkpoints(join(o.workspace, after.runDir)).at(-1) ?? 0);
    const ok = integrity(o.workspace);
    if (ok !== 'ok') failures.push(`integrity_check after kill ${kills}: ${ok}`);
  }
  for (let i = 0; i < 3 && run()?.status !== 'done'; i++) {
    const r = run();
    const proc = r?.jobId
      ? cli(['resume', r.jobId, '--workspace', o.workspace])
      : cli(['train', '--workspace', o.workspace, '--config', configPath]);
    const done = await proc.exited;
    if (done.code !== 0) failures.push(`final resume exited ${done.code}: ${done.stderr.slice(-800)}`);
  }

  const final = run();
  const all = final ? events(final.id) : [];
  const starts = all.filter((e) => e.event === 'start');
  const done = all.filter((e) => e.event === 'done');
  const totalSteps = starts[0]?.totalSteps ?? -1;
  const finalStep = done.at(-1)?.step ?? -1;
  // Starts after kills that came after the trainer began: each resumed from the newest checkpoint.
  const resumedFrom = starts.slice(1).map((e) => e.resumedFromStep ?? 0);
  const wrongResumes = resumedFrom.filter((step) => !expectedResumes.includes(step)).length;
  const stepsSeen = all.filter((e) => e.event === 'step').map((e) => e.step!);
  const ok = integrity(o.workspace);
  check(failures, final?.status === 'done', `run ends done (is ${final?.status})`);
  // An uninterrupted run ends at its first start's totalSteps (max_steps, or one epoch if shorter).
  const totals = new Set(starts.map((e) => e.totalSteps));
  check(
    failures,
    finalStep === totalSteps && totals.size === 1,
    `final step ${finalStep}, total steps ${[...totals].join('/')}`,
  );

  check(failures, done.length === 1, `${done.length} done events`);
  check(failures, wrongResumes === 0, `${wrongResumes} resume(s) not from the newest complete checkpoint`);
  check(failures, ok === 'ok', `integrity_check: ${ok}`);
  check(failures, kills >= o.kills, `only ${kills} kill(s) before the run ended or time ran out`);
  return {
    scenario: 'training run (steper train / resume, tiny model, trainer killed with it)',
    kills,
    figures: {
      'configured max_steps': o.steps,
      'total steps (first start)': totalSteps,
      'final step': finalStep,
      'trainer starts': starts.length,
      'resumed from (steps)': resumedFrom.join(' ') || '-',
      'resumes not from the newest checkpoint': wrongResumes,
      'steps trained in all (with redone ones)': stepsSeen.length,
      'runs that ended before their kill': endedBeforeKill,
      integrity_check: ok,
    },
    failures,
  };
}
