/**
 * The CLI's JSON-lines reader on one very long line, read from a file as the CLI reads it
 * (64 KB chunks): seconds to accept a line under the cap, and to refuse one over it. Linear
 * means the time per MB stays flat as the line grows.
 *
 *   npx tsx apps/server/bench/line-reader.ts [--sizes 1,2,4,8,12,25,50,100]
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPassages } from '@steper/core';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1,2,4,8,12,25,50,100' } } });
const sizes = values.sizes.split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'steper-line-bench-'));
try {
  console.log('MB  outcome                                   seconds  s/MB');
  for (const mb of sizes) {
    const file = join(dir, `line-${mb}.jsonl`);
    const text = 'x'.repeat(mb * 1024 * 1024 - 40);
    writeFileSync(file, `{"id":"a","title":"T","text":"${text}"}\n`);
    const t0 = performance.now();
    let outcome: string;
    try {
      const passages = await readPassages(createReadStream(file));
      outcome = `read (${passages.length} passage)`;
    } catch (err) {
      outcome = `refused: ${(err as Error).message.slice(0, 30)}…`;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${String(mb).padStart(3)} ${outcome.padEnd(41)} ${s.toFixed(3).padStart(7)}  ${(s / mb).toFixed(4)}`,
    );
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
