import { describe, expect, it } from 'vitest';
import { checkToken } from '../src/env';
import { startHttpServer } from '../src/http/server';
import { collect, spawnCli } from './support/cli';
import { tempDir, testWorkbench } from './support/workspace';

/** `steper serve …`, killed if it comes up: a refused token must stop it before it listens. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawnCli(['serve', '--workspace', tempDir(), '--port', '0', ...args], env);
  child.stdout?.on('data', (d) => {
    if (String(d).includes('http://')) child.kill('SIGTERM');
  });
  const result = await collect(child);
  return { ...result, served: result.stdout.includes('http://') };
}

describe('the server token', () => {
  it('--token gets the same check as STEPER_TOKEN: 16+ characters, no blanks', async () => {
    const short = await serve(['--token', 'abc']);
    expect(short.served).toBe(false);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/--token: must be at least 16 characters, none of them blank/);
    const blank = await serve(['--token', ' '.repeat(20)]);
    expect(blank.served).toBe(false);
    expect(blank.stderr).toMatch(/--token: must be at least 16/);
    const env = await serve([], { STEPER_TOKEN: 'abc' });
    expect(env.served).toBe(false);
    expect(env.stderr).toMatch(/STEPER_TOKEN: must be at least 16/);

    expect(() => checkToken('a-long-enough-test-token', '--token')).not.toThrow();
    expect(() => checkToken('sixteen chars ok', '--token')).toThrow(/none of them blank/);
    // Whoever starts the server directly gets the same check.
    await expect(
      startHttpServer(testWorkbench(), { host: '127.0.0.1', port: 0, token: 'abc', log: () => {} }),
    ).rejects.toThrow(/token: must be at least 16/);
  }, 60_000);
});
