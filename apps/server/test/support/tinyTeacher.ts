import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAINER_PROJECT } from '../../src/paths';
import { closedPort } from './ports';

const PYTHON = join(TRAINER_PROJECT, '.venv', 'bin', 'python');
const TRANSFORMERS = join(TRAINER_PROJECT, '.venv', 'bin', 'transformers');
const OFFLINE = { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONUNBUFFERED: '1' };

/** The trainer's virtual environment, or an error that says how to make it. Never skipped. */
export function requireTrainerVenv(): void {
  if (!existsSync(PYTHON) || !existsSync(TRANSFORMERS)) {
    throw new Error(
      `The teacher-client tests need the trainer's Python environment with \`transformers serve\` (${TRANSFORMERS}). ` +
        'Create it with `uv sync --project apps/trainer --extra serve` (the README set-up does), then run the tests again.',
    );
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...OFFLINE },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.slice(-2000)}`)),
    );
  });
}

/**
 * The trainer's tiny Qwen2-architecture model (random weights, tokenizer trained on `texts`), built
 * once per machine and content: it lands in the temp directory under a hash of its inputs, by
 * rename, so parallel test files share it and never see half a model.
 */
export async function buildTinyModel(texts: string[]): Promise<string> {
  requireTrainerVenv();
  const args = ['--vocab-size', '400', '--hidden-size', '32', '--layers', '1'];
  const key = createHash('sha256').update(JSON.stringify({ texts, args })).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `steper-tiny-model-${key}`);
  if (existsSync(join(out, 'config.json'))) return out;
  const work = mkdtempSync(join(tmpdir(), 'steper-tiny-build-'));
  try {
    const corpus = join(work, 'corpus.jsonl');
    writeFileSync(corpus, texts.map((text) => `${JSON.stringify({ text })}\n`).join(''));
    const built = join(work, 'model');
    await run(
      PYTHON,
      ['-m', 'steper_trainer.tiny_model', '--corpus', corpus, '--out', built, ...args],
      TRAINER_PROJECT,
    );
    try {
      renameSync(built, out);
    } catch (err) {
      if (!existsSync(join(out, 'config.json'))) throw err;
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Texts the tiny model's tokenizer is trained on: synthetic-world prose and the prompt format. */
export const TINY_TEXTS = [
  'Wikipedia Title: Blue Harbor\nBlue Harbor is a film directed by Ada Reyes.',
  'Q: Answer the following question by reasoning step-by-step.\nWho directed Blue Harbor?\nA: Blue Harbor was directed by Ada Reyes. So the answer is: Ada Reyes.',
];

export interface TinyServer {
  baseURL: string;
  model: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crashed or preempted server: connections drop mid-request. */
  kill(): Promise<void>;
}

/** `transformers serve` hosting the model on loopback: a real OpenAI-compatible server. */
export async function serveModel(model: string): Promise<TinyServer> {
  requireTrainerVenv();
  const port = await closedPort();
  const child: ChildProcess = spawn(
    TRANSFORMERS,
    ['serve', model, '--host', '127.0.0.1', '--port', String(port), '--device', 'cpu'],
    { env: { ...process.env, ...OFFLINE }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`transformers serve exited (${child.exitCode}): ${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`transformers serve did not come up in 180 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
