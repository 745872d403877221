import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { jsonSyntaxProblem } from '@steper/core';
import type { ZodType } from 'zod';
import { UserError } from '../errors';

/** The files a report folder holds, by the names the experiment and the analyses write. */
export const RESULT_FILE = 'result.json';
export const MARKDOWN_FILE = 'report.md';

/** A figure name as the reports write them: a plain file name, no folders, no dot-files. */
const FIGURE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.png$/;

export const isFigureName = (name: string): boolean => FIGURE_NAME.test(name) && !name.includes('..');

/** The PNG figures directly inside the folder, sorted by name. */
export function listFigures(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && isFigureName(d.name))
    .map((d) => d.name)
    .sort();
}

export function requireFolder(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `${what}: the folder ${dir} does not exist (any more). Re-run the job that wrote it, or import the folder from where it is now.`,
    );
  }
}

export function readText(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/**
 * A JSON file checked against a schema; a missing, unparsable or wrong-shaped file is an error
 * naming the file and, for the shape, the field.
 */
export function readJsonFile<T>(file: string, schema: ZodType<T>, what: string): T {
  if (!existsSync(file)) {
    throw new UserError('PRECONDITION_FAILED', `${what}: ${file} is missing. Re-run the job that writes it.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `${what}: ${file} is ${jsonSyntaxProblem(err)}. Re-run the job that writes it.`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    throw new UserError(
      'PRECONDITION_FAILED',
      `${what}: ${file}: field "${field}": ${issue.message}. The file does not have the shape this server reads.`,
    );
  }
  return parsed.data;
}

/**
 * The absolute path of a figure inside a report folder, or null: only plain PNG names, only files
 * directly in the folder, and (after symlinks are followed) still inside it.
 */
export function figurePath(dir: string, name: string): string | null {
  if (!isFigureName(name)) return null;
  const file = join(dir, name);
  if (!existsSync(file)) return null;
  try {
    const realDir = realpathSync(dir);
    const real = realpathSync(file);
    if (!real.startsWith(realDir + sep) || real.slice(realDir.length + 1).includes(sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
