import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { UserError } from '../errors';
import { TRAINER_PROJECT } from '../paths';

/** The trainer's own interpreter (apps/trainer/.venv), offline: no model is ever downloaded. */
export function trainerPython(args: string[]): Promise<void> {
  const python = join(TRAINER_PROJECT, '.venv', 'bin', 'python');
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      cwd: TRAINER_PROJECT,
      env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.once('error', (e) =>
      reject(
        new UserError(
          'PRECONDITION_FAILED',
          `Cannot start the trainer (${python}): ${e.message}. Create it with \`uv sync --project apps/trainer\`.`,
        ),
      ),
    );
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`python ${args.slice(0, 2).join(' ')} failed (${code}): ${err}`)),
    );
  });
}
