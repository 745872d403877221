import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { badRequest } from '../errors';
import { REPO_ROOT } from '../paths';
import type { FileSource } from './source';

/** The workspace folder that API imports may read files from (the web app uploads instead). */
export const IMPORTS_DIR = 'imports';

const OUTSIDE = `field "source.path": over the API a file is read only from the workspace's ${IMPORTS_DIR}/ folder, named relative to it (e.g. "hotpot_dev.json"). Upload the file instead, or copy it into ${IMPORTS_DIR}/ first.`;

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * A source as an API caller may give it: uploads as they are, a path only when it names a file
 * inside `importsDir` — after following symlinks, so no link leads out. The CLI reads any path
 * its user can; a client of the server must not read the server's files.
 */
export function confineSource(source: FileSource, importsDir: string): FileSource {
  if (!('path' in source)) return source;
  const root = existsSync(importsDir) ? realpathSync(importsDir) : resolve(importsDir);
  const wanted = resolve(root, source.path);
  if (!within(wanted, [root])) throw badRequest(OUTSIDE);
  if (!existsSync(wanted)) {
    throw badRequest(
      `field "source.path": there is no file "${relative(root, wanted)}" in the workspace's ${IMPORTS_DIR}/ folder.`,
    );
  }
  return { path: realpathSync(wanted) };
}

/** Whether `path`, and where its symlinks lead, lie inside one of `roots`. */
function within(path: string, roots: readonly string[]): boolean {
  const real = existsSync(path) ? realpathSync(path) : path;
  return roots.some((r) => {
    const root = existsSync(r) ? realpathSync(r) : resolve(r);
    return inside(root, path) && inside(root, real);
  });
}

/** Where report folders come from: the committed results, and the workspace's imports/ folder. */
export const REPORT_ROOTS = (importsDir: string): string[] => [
  join(REPO_ROOT, 'docs', 'results'),
  importsDir,
];

/**
 * A report folder as an API caller may name it: relative to the repository root (as
 * docs/results/…) or absolute, and only inside `roots` after following symlinks. reports.get
 * returns a folder's report.md and result.json, so an unconfined import would read the server's
 * folders.
 */
export function confineReportDir(outDir: string, roots: readonly string[]): string {
  const wanted = resolve(REPO_ROOT, outDir);
  if (!within(wanted, roots)) {
    throw badRequest(
      `field "outDir": over the API a report folder is read only from docs/results/ or the workspace's ${IMPORTS_DIR}/ folder (e.g. "docs/results/quick-smoke-2026-11-23"); copy the folder there first.`,
    );
  }
  return wanted;
}

/** Trainer config fields naming a file the trainer reads and may quote from in its errors. */
export const TRAINER_FILE_FIELDS = ['data', 'eval_data'] as const;

/**
 * A training config as an API caller may give it: `data` and `eval_data`, when given, name files
 * inside the workspace (its step datasets or imports/), after following symlinks. The trainer's
 * errors quote a bad line's field, so an unconfined path would read the server's files.
 */
export function confineTrainerFiles(config: Record<string, unknown>, workspace: string): void {
  const root = realpathSync(workspace);
  for (const field of TRAINER_FILE_FIELDS) {
    const path = config[field];
    if (path === undefined) continue;
    const wanted = typeof path === 'string' ? resolve(root, path) : null;
    if (!wanted || !within(wanted, [root])) {
      throw badRequest(
        `training config: field "${field}": over the API the trainer reads files only from this workspace; give datasetId, or copy the file into the workspace's ${IMPORTS_DIR}/ folder and name it there (e.g. "${IMPORTS_DIR}/steps.jsonl").`,
      );
    }
    config[field] = existsSync(wanted) ? realpathSync(wanted) : wanted;
  }
}

/** Where an ONNX student may be loaded from over the API: the workspace and the shipped demo students. */
export const STUDENT_ROOTS = (workspace: string): string[] => [workspace, join(REPO_ROOT, 'public', 'demo')];

/**
 * An ONNX student's folder as an API caller may give it: inside the workspace (its trained runs'
 * exports, students/, imports/) or the shipped demo students, after following symlinks. Loading a
 * folder reads its config.json and tokenizer, and the model would run on whatever it held.
 */
export function confineStudentDir(dir: string, roots: readonly string[]): string {
  const wanted = resolve(roots[0]!, dir);
  if (!within(wanted, roots)) {
    throw badRequest(
      `field "generator.dir": over the API an ONNX student is loaded only from this workspace (a training run's export, or a folder copied into its ${IMPORTS_DIR}/) or the shipped demo students under public/demo.`,
    );
  }
  return wanted;
}
