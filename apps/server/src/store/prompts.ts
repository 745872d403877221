import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DemonstrationFile,
  defaultDemonstrations,
  type LoopName,
  type PromptFormat,
  parseDemonstrationFile,
  parseDemonstrationJson,
  promptFormatOf,
} from '@steper/core';
import { UserError } from '../errors';
import { writeFileAtomicSync } from './blobs';

/** Where demonstrations come from: saved for this workspace, or built into core. */
export type DemonstrationSource = 'workspace' | 'built-in';

/**
 * The workspace's default few-shot demonstrations, one JSON file per prompt format
 * (`<workspace>/prompts/<format>.json`). A file, not a table: it is data the user edits, and it
 * can be read, diffed and copied like the built-in ones. Written atomically.
 */
export class WorkspacePrompts {
  constructor(private readonly dir: string) {}

  private file(format: PromptFormat): string {
    return join(this.dir, 'prompts', `${format}.json`);
  }

  /** The saved default of the loop's format, or null when none is saved. */
  saved(loop: LoopName): DemonstrationFile | null {
    const path = this.file(promptFormatOf(loop));
    if (!existsSync(path)) return null;
    try {
      return parseDemonstrationJson(readFileSync(path, 'utf8'), path);
    } catch (err) {
      throw new UserError(
        'PRECONDITION_FAILED',
        `The workspace's default demonstrations are unreadable: ${(err as Error).message} Fix the file, save new ones, or reset to the built-in demonstrations (prompts.reset).`,
      );
    }
  }

  /** What a teacher run without explicit demonstrations uses: the saved default, else the built-in. */
  effective(loop: LoopName): { file: DemonstrationFile; source: DemonstrationSource } {
    const saved = this.saved(loop);
    return saved
      ? { file: saved, source: 'workspace' }
      : { file: defaultDemonstrations(loop), source: 'built-in' };
  }

  /** Saves `file` as the loop's default; it must be in the loop's prompt format. */
  save(loop: LoopName, file: DemonstrationFile): void {
    const want = promptFormatOf(loop);
    if (file.format !== want) {
      throw new UserError(
        'BAD_REQUEST',
        `field "file.format": the ${loop} loop needs "${want}" demonstrations, got "${file.format}". Save them under loop "${file.format}", or load a ${want} file.`,
      );
    }
    const checked = parseDemonstrationFile(file, 'demonstrations');
    writeFileAtomicSync(this.file(want), `${JSON.stringify(checked, null, 2)}\n`);
  }

  /** Back to the built-in demonstrations; false when no default was saved. */
  reset(loop: LoopName): boolean {
    const path = this.file(promptFormatOf(loop));
    if (!existsSync(path)) return false;
    rmSync(path);
    return true;
  }
}
