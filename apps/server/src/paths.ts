import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (apps/server/src/ → ../../..), for the trainer project and the web build. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TRAINER_PROJECT = join(REPO_ROOT, 'apps', 'trainer');
export const WEB_DIST = join(REPO_ROOT, 'apps', 'web', 'dist');
