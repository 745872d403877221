import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ensureDemo } from '../../src/demo/demo';
import { Workbench, type WorkbenchOptions } from '../../src/workbench';

const opened: { wb?: Workbench; dir: string }[] = [];

/** A fresh temp directory, removed after the test. */
export function tempDir(prefix = 'steper-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  opened.push({ dir });
  return dir;
}

/** A workbench on a real SQLite file in a temp directory, closed and removed after the test. */
export function testWorkbench(opts: Partial<WorkbenchOptions> = {}): Workbench {
  const dir = opts.workspace ?? tempDir();
  const wb = new Workbench({ workspace: dir, env: {}, ...opts });
  opened.push({ wb, dir });
  return wb;
}

/** A small synthetic world (300 passages, 60 questions): indexed, evidence-teacher run built. */
export async function smallDemo(wb: Workbench) {
  return ensureDemo(wb, { seed: 7, passages: 300, questions: 60 });
}

afterEach(async () => {
  for (const o of opened.splice(0)) {
    if (o.wb) await o.wb.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

export { closedPort } from './ports';
