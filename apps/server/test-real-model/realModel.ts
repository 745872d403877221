import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TRAINER_PROJECT } from '../src/paths';
import { requireTrainerVenv } from '../test/support/tinyTeacher';

/** The folder the trainer's pytest also uses: materialised once per machine (real_model.py). */
export const REAL_MODEL_DIR = join(
  process.env.STEPER_REAL_MODEL_CACHE ?? join(REPO_ROOT, '.cache', 'real-model'),
  'smollm2-135m-instruct',
);

export async function realModel(): Promise<string> {
  requireTrainerVenv();
  const { stdout } = await promisify(execFile)(
    join(TRAINER_PROJECT, '.venv', 'bin', 'python'),
    ['-m', 'steper_trainer', 'real-model', '--out', REAL_MODEL_DIR],
    { cwd: TRAINER_PROJECT, maxBuffer: 1 << 20 },
  );
  return stdout.trim();
}
