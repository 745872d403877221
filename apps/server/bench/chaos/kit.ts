import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT } from '../../src/paths';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded random source (mulberry32): a chaos run is replayed by its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Cli {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * The CLI as `npm run steper` runs it (node + tsx on apps/server/src/cli/main.ts), without npm in
 * between so the signal reaches it. In its own process group: a SIGKILL to the group also takes
 * the trainer child, as a crash of the machine would.
 */
export function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const exited = new Promise<Awaited<Cli['exited']>>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

/** SIGKILL to the whole process group; resolves once the CLI itself is gone. */
export async function killGroup(c: Cli): Promise<void> {
  try {
    process.kill(-c.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await c.exited;
}

/** Waits for `done()` to be true, at most `ms`. */
export async function until(done: () => boolean, ms: number, every = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (done()) return true;
    await sleep(every);
  }
  return done();
}

/** `steper serve` on a free loopback port; resolves with its URL once it listens. */
export async function serve(
  workspace: string,
  env: Record<string, string> = {},
): Promise<{ proc: Cli; url: string }> {
  const proc = cli(['serve', '--workspace', workspace, '--host', '127.0.0.1', '--port', '0'], env);
  let url = '';
  proc.child.stdout!.on('data', (d) => {
    url ||= /http:\/\/127\.0\.0\.1:\d+/.exec(String(d))?.[0] ?? '';
  });
  // Generous: on a busy machine a niced start-up (tsx, migrations) can take minutes.
  const up = await until(() => url !== '' || proc.child.exitCode !== null, 240_000);
  if (!up || !url) {
    await killGroup(proc);
    throw new Error(`steper serve did not start: ${(await proc.exited).stderr.slice(-1000)}`);
  }
  return { proc, url };
}

/** A read-only look at a workspace's database, as another process sees it. */
export function readDb<T>(workspace: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(workspace, 'steper.db'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of the workspace's database: 'ok' or the first problems. */
export function integrity(workspace: string): string {
  return readDb(workspace, (db) =>
    (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '),
  );
}

/** One scenario's figures and the checks that failed (none on success). */
export interface ChaosReport {
  scenario: string;
  kills: number;
  figures: Record<string, number | string>;
  failures: string[];
}

export function check(failures: string[], ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}
