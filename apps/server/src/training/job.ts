import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TrainerEvent } from '@steper/core';
import { z } from 'zod';
import type { JobType } from '../jobs/runner';
import type { Workbench } from '../workbench';
import { parseTrainerLine } from './events';

/** The program and leading arguments that start the trainer; `train --config FILE` is appended. */
export interface TrainerCommand {
  argv: string[];
  cwd: string;
}

export const TrainJobPayload = z.object({
  runId: z.string(),
  /** Train a finished run this many more epochs (the trainer's --extend-epochs). */
  extendEpochs: z.number().int().positive().optional(),
});

/** Live trainer events for subscribers, after they are stored. */
export const trainingEvents = new EventEmitter<{
  event: [{ runId: string; seq: number; event: TrainerEvent }];
}>();
trainingEvents.setMaxListeners(0);

const KILL_GRACE_MS = 10_000;

/**
 * Runs the trainer as a child process from an argument array (never a shell), records every
 * validated event and streams it. Cancelling sends SIGTERM, then SIGKILL after a grace period.
 * A resumed job starts the same command again; the trainer continues from its last checkpoint.
 */
export function trainJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { runId, extendEpochs } = TrainJobPayload.parse(job.payload);
      const run = store.trainingRuns.require(runId);
      const runDir = store.path(run.runDir);
      // A later attempt continues from the run's last checkpoint (from scratch when it has none).
      const extra =
        job.attempts > 1 ? ['--resume'] : extendEpochs ? ['--extend-epochs', String(extendEpochs)] : [];
      const [program, ...args] = [...run.command, ...extra];
      const log = createWriteStream(join(runDir, 'trainer.log'), { flags: 'a' });
      log.write(`$ ${[program, ...args].join(' ')}\n`);
      const child = spawn(program!, args, {
        cwd: wb.trainer?.cwd ?? store.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      });
      const stop = () => terminate(child);
      signal.addEventListener('abort', stop, { once: true });
      let total: number | null = null;
      let lastError: string | null = null;
      let done: Extract<TrainerEvent, { event: 'done' }> | null = null;
      const stderrTail: string[] = [];

      createInterface({ input: child.stderr! }).on('line', (line) => {
        log.write(`${line}\n`);
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
      });
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const parsed = parseTrainerLine(line);
        if (parsed.kind === 'log') {
          log.write(`${parsed.problem ? `[${parsed.problem}] ` : ''}${parsed.text}\n`);
          return;
        }
        const event = parsed.event;
        const seq = store.trainingRuns.appendEvent(runId, event);
        trainingEvents.emit('event', { runId, seq, event });
        if (event.event === 'start') {
          total = event.totalSteps;
          progress({ done: event.resumedFromStep ?? 0, total, message: `training on ${event.device}` });
        } else if (event.event === 'step') {
          progress({ done: event.step, total, message: `loss ${event.loss.toFixed(4)}` });
        } else if (event.event === 'budget') {
          total = event.totalSteps;
        } else if (event.event === 'error') {
          lastError = event.message;
        } else if (event.event === 'done') {
          done = event;
        }
      });

      const exit = await new Promise<{ code: number | null; sig: NodeJS.Signals | null; error?: Error }>(
        (resolve) => {
          child.once('error', (error) => resolve({ code: null, sig: null, error }));
          child.once('close', (code, sig) => resolve({ code, sig }));
        },
      );
      signal.removeEventListener('abort', stop);
      await new Promise<void>((r) => log.end(r));
      signal.throwIfAborted();
      if (exit.error) {
        throw new Error(`Could not start the trainer (${run.command.join(' ')}): ${exit.error.message}`);
      }
      if (exit.code !== 0 || !done) {
        const why = lastError ?? stderrTail.slice(-5).join('\n') ?? '';
        throw new Error(
          `Trainer exited with ${exit.sig ?? `code ${exit.code}`}${done ? '' : ' before its done event'}${why ? `: ${why}` : ''}. Full log: ${join(run.runDir, 'trainer.log')}`,
        );
      }
      const finished = done as Extract<TrainerEvent, { event: 'done' }>;
      store.trainingRuns.setStatus(runId, 'done', { bestCheckpoint: finished.bestCheckpoint });
      return { step: finished.step, bestCheckpoint: finished.bestCheckpoint, finalLoss: finished.finalLoss };
    },
    onStatus(store, job) {
      const id = (job.payload as { runId?: string }).runId;
      const run = id ? store.trainingRuns.get(id) : undefined;
      if (run) store.trainingRuns.setStatus(run.id, job.status, { error: job.error });
    },
  };
}

function terminate(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  timer.unref();
  child.once('close', () => clearTimeout(timer));
}
