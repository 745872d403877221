import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TextSource } from '@steper/core';
import { z } from 'zod';
import { badRequest } from '../errors';

/** A file on the server's disk, or text uploaded by the browser. */
export const FileSourceSchema = z.union([
  z.object({ path: z.string().min(1) }),
  z.object({ content: z.string(), filename: z.string().default('upload') }),
]);
export type FileSource = z.infer<typeof FileSourceSchema>;

export function describeSource(source: FileSource): string {
  return 'path' in source ? resolve(source.path) : `upload "${source.filename}"`;
}

/** The text, streamed for files: core's parsers read it chunk by chunk. */
export function openSource(source: FileSource): TextSource {
  if ('content' in source) return source.content;
  const path = resolve(source.path);
  if (!existsSync(path)) throw badRequest(`File not found: ${path}. Give a path readable by the server.`);
  if (!statSync(path).isFile()) throw badRequest(`${path} is not a file.`);
  return createReadStream(path);
}
