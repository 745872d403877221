import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { badRequest } from '../errors';
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
  if (!inside(root, wanted)) throw badRequest(OUTSIDE);
  if (!existsSync(wanted)) {
    throw badRequest(
      `field "source.path": there is no file "${relative(root, wanted)}" in the workspace's ${IMPORTS_DIR}/ folder.`,
    );
  }
  const real = realpathSync(wanted);
  if (!inside(root, real)) throw badRequest(OUTSIDE);
  return { path: real };
}
