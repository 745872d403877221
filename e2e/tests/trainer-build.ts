import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Runs a Python snippet in the trainer's environment once per content: `out` keeps the result
 * with a key hashed from the snippet, its arguments and the repository files it depends on
 * (`sources`), so a re-run with the same sources reuses it and a changed source rebuilds it.
 */
export function buildOnce(opts: {
  out: string;
  code: string;
  args: string[];
  sources: string[];
  what: string;
}): void {
  const hash = createHash('sha256').update(opts.code).update(JSON.stringify(opts.args));
  for (const file of opts.sources) hash.update(readFileSync(join(ROOT, file)));
  const key = hash.digest('hex');
  const keyFile = join(opts.out, 'build-key');
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return;
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const uv = spawnSync('uv', ['--version']).error ? ['python3', '-m', 'uv'] : ['uv'];
  const started = performance.now();
  const r = spawnSync(
    uv[0]!,
    [...uv.slice(1), 'run', '--project', 'apps/trainer', '--frozen', 'python', '-c', opts.code, ...opts.args],
    {
      cwd: ROOT,
      env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0)
    throw new Error(`${opts.what} failed (${r.status ?? r.error}):\n${r.stderr?.slice(-4000)}`);
  writeFileSync(keyFile, key);
  console.log(`[${opts.what}] ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
