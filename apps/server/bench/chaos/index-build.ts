import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index } from '@steper/core';
import { type ChaosReport, check, cli, integrity, killGroup, readDb, sleep } from './kit';

export interface IndexChaos {
  workspace: string;
  /** A JSONL corpus file of `passages` lines. */
  passagesFile: string;
  passages: number;
  kills: number;
  deadline: number;
  rand: () => number;
}

interface CorpusRow {
  id: string;
  count: number;
  rows: number;
  indexPath: string | null;
}

// A kill in start-up can come before the database exists: then there is no corpus yet.
const corpora = (workspace: string): CorpusRow[] =>
  !existsSync(join(workspace, 'steper.db'))
    ? []
    : readDb(
        workspace,
        (db) =>
          db
            .prepare(
              `SELECT c.id, c.passage_count AS count, c.index_path AS indexPath,
             (SELECT COUNT(*) FROM passages p WHERE p.corpus_id = c.id) AS rows
           FROM corpora c WHERE c.name LIKE 'chaos-%'`,
            )
            .all() as CorpusRow[],
      );

const interruptedIndexJobs = (workspace: string): string[] =>
  readDb(workspace, (db) =>
    (
      db
        .prepare(
          "SELECT id FROM jobs WHERE kind = 'index' AND status IN ('running', 'queued', 'failed', 'cancelled')",
        )
        .all() as {
        id: string;
      }[]
    ).map((r) => r.id),
  );

/** A corpus is whole (all its passages or none) and its index, when recorded, loads and covers it. */
function corpusProblems(workspace: string, c: CorpusRow): string[] {
  const out: string[] = [];
  if (c.rows !== c.count) out.push(`${c.id}: ${c.rows} passage rows, ${c.count} recorded`);
  if (c.indexPath) {
    const path = join(workspace, c.indexPath);
    if (!existsSync(path)) out.push(`${c.id}: index ${c.indexPath} recorded but missing`);
    else {
      try {
        const index = Bm25Index.fromBytes(new Uint8Array(readFileSync(path)));
        if (index.size !== c.count) out.push(`${c.id}: index holds ${index.size} of ${c.count} passages`);
      } catch (err) {
        out.push(`${c.id}: index does not load: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/**
 * (2) Index builds (`steper index --passages`, then `steper resume` of interrupted index jobs),
 * SIGKILLed at random moments: during start-up, the import, the build, the write. After every
 * kill each corpus must be whole and any recorded index must load; at the end every corpus is
 * indexed.
 */
export async function indexChaos(o: IndexChaos): Promise<ChaosReport> {
  const failures: string[] = [];
  let kills = 0;
  let started = 0;
  let completedUnkilled = 0;
  let problemsAfterKills = 0;
  while (kills < o.kills && Date.now() < o.deadline) {
    const pending = existsSync(join(o.workspace, 'steper.db')) ? interruptedIndexJobs(o.workspace) : [];
    const proc = pending.length
      ? cli(['resume', '--workspace', o.workspace])
      : cli([
          'index',
          '--workspace',
          o.workspace,
          '--passages',
          o.passagesFile,
          '--name',
          `chaos-${started++}`,
        ]);
    await Promise.race([sleep(400 + o.rand() * 5000), proc.exited]);
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      completedUnkilled += 1;
      continue;
    }
    await killGroup(proc);
    kills += 1;
    for (const c of corpora(o.workspace)) {
      const problems = corpusProblems(o.workspace, c);
      problemsAfterKills += problems.length;
      failures.push(...problems.map((p) => `after kill ${kills}: ${p}`));
    }
  }
  const final = await cli(['resume', '--workspace', o.workspace]).exited;
  if (final.code !== 0) failures.push(`final resume exited ${final.code}: ${final.stderr.slice(-500)}`);
  const all = corpora(o.workspace);
  const unindexed = all.filter((c) => !c.indexPath).length;
  for (const c of all) failures.push(...corpusProblems(o.workspace, c));
  const leftovers = existsSync(join(o.workspace, 'corpora'))
    ? readdirSync(join(o.workspace, 'corpora'), { recursive: true }).filter((f) => String(f).includes('.tmp'))
        .length
    : 0;
  const ok = integrity(o.workspace);
  check(failures, unindexed === 0, `${unindexed} corpus/corpora left without an index`);
  check(
    failures,
    all.every((c) => c.count === o.passages),
    'a corpus without all its passages',
  );
  check(failures, ok === 'ok', `integrity_check: ${ok}`);
  check(failures, kills >= o.kills, `only ${kills} kill(s) in the time given`);
  return {
    scenario: 'index build (steper index / resume)',
    kills,
    figures: {
      'corpora created': all.length,
      'corpora whole': all.filter((c) => c.count === o.passages && c.rows === c.count).length,
      'indexed at the end': all.length - unindexed,
      'problems seen after kills': problemsAfterKills,
      'runs that ended before their kill': completedUnkilled,
      'temp files left by kills': leftovers,
      integrity_check: ok,
    },
    failures,
  };
}
