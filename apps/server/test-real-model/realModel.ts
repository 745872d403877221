import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TRAINER_PROJECT } from '../src/paths';
import { closedPort } from '../test/support/ports';
import { requireTrainerVenv, type TinyServer } from '../test/support/tinyTeacher';

/** The folder the trainer's pytest also uses: materialised once per machine (real_model.py). */
export const REAL_MODEL_DIR = join(
  process.env.STEPER_REAL_MODEL_CACHE ?? join(REPO_ROOT, '.cache', 'real-model'),
  'smollm2-135m-instruct',
);
export const REAL_MODEL_NAME = 'smollm2-135m-instruct';

export async function realModel(): Promise<string> {
  requireTrainerVenv();
  const { stdout } = await promisify(execFile)(
    join(TRAINER_PROJECT, '.venv', 'bin', 'python'),
    ['-m', 'steper_trainer', 'real-model', '--out', REAL_MODEL_DIR],
    { cwd: TRAINER_PROJECT, maxBuffer: 1 << 20 },
  );
  return stdout.trim();
}

/**
 * The real model behind llama.cpp's server (scripts/serve-real-model.sh, the command a user runs),
 * on a free loopback port. The first start compiles llama-cpp-python (about 6 minutes on two cores).
 */
export async function serveRealModel(): Promise<TinyServer> {
  requireTrainerVenv();
  const port = await closedPort();
  const child: ChildProcess = spawn(
    'bash',
    [join(REPO_ROOT, 'scripts', 'serve-real-model.sh'), String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: uv and the server stop together
    },
  );
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 900_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the llama.cpp server exited (${child.exitCode}): ${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      signal('SIGKILL');
      throw new Error(`the llama.cpp server did not come up in 15 minutes: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model: REAL_MODEL_NAME,
    stop: async () => {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      signal('SIGKILL');
      await exited;
    },
  };
}
