import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './tests/helpers';

/** A free loopback port, asked of the OS once; workers inherit it through the environment. */
async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

process.env.STEPER_E2E_PORT ??= String(await freePort());
process.env.STEPER_E2E_WORKSPACE ??= mkdtempSync(join(tmpdir(), 'steper-e2e-'));
const port = Number(process.env.STEPER_E2E_PORT);
const workspace = process.env.STEPER_E2E_WORKSPACE;
const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  testDir: 'tests',
  outputDir: '.out/test-results',
  // One server, one workspace, 2 cores: tests run one after another.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download is never used (no network).
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // The real server on a fresh demo workspace, serving the freshly built web app.
    command: `npx vite build --logLevel warn && npx tsx apps/server/src/cli/main.ts serve --demo --port ${port} --workspace ${workspace}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
