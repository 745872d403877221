/**
 * Tokens/s and time to first token of the in-browser student, per backend, beside the same model
 * and the same prompts in onnxruntime-node. The browser figures come from the real playground
 * (the core IRCoT loop in its Web Worker): every generation of BENCH_QUESTIONS held-out questions.
 *
 *   npx tsx bench/browser/bench.ts      (after `npx vite build`; bench/browser/run.sh does both)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, WEBGPU_CHROMIUM_ARGS } from '../../e2e/tests/helpers';
import { DEMO_DIR, loadNodeStudent, nodeGenerate, variantFile } from '../../e2e/tests/playground-node';

const ROOT = resolve(import.meta.dirname, '..', '..');
const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 3);
const STUDENT = process.env.BENCH_STUDENT ?? 'steper';

interface Gen {
  prompt: string;
  stop: string[];
  promptTokens: number;
  newTokens: number;
  firstTokenMs: number;
  totalMs: number;
}

interface Row {
  engine: string;
  note: string;
  variant: string;
  gens: Gen[];
  loadMs: number | null;
}

const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8')) as {
  loop: { maxTokens: number };
  questions: { id: string }[];
};

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

async function startServer(port: number, workspace: string): Promise<ChildProcess> {
  const child = spawn(
    'npx',
    ['tsx', 'apps/server/src/cli/main.ts', 'serve', '--port', String(port), '--workspace', workspace],
    // Its own process group: stopping it stops npx and the server under it.
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://localhost:${port}/health`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  stop(child);
  throw new Error('the server did not start within 60 s');
}

function stop(child: ChildProcess): void {
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
}

/** One browser run; `threads` caps WebAssembly's threads (the page may use up to 4 when isolated). */
async function browserRun(base: string, backend: 'wasm' | 'webgpu', threads?: number): Promise<Row> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: backend === 'webgpu' ? WEBGPU_CHROMIUM_ARGS : CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const t0 = performance.now();
    const cap = threads ? `&threads=${threads}` : '';
    await page.goto(`${base}/playground?backend=${backend}&students=${STUDENT}${cap}`);
    const badge = page.getByTestId('backend-badge');
    await badge.waitFor({ timeout: 120_000 });
    const loadMs = performance.now() - t0;
    const got = await badge.getAttribute('data-backend');
    if (got !== backend)
      throw new Error(`asked for ${backend}, the page runs ${got}: no figure for ${backend}`);
    const variant = (await badge.getAttribute('data-variant'))!;
    const gens: Gen[] = [];
    for (const q of manifest.questions.slice(0, QUESTIONS)) gens.push(...(await answer(page, q.id)));
    const used = Number(await badge.getAttribute('data-threads'));
    const label =
      backend === 'wasm'
        ? `browser WASM, ${used} thread${used === 1 ? '' : 's'}`
        : 'browser WebGPU (SwiftShader)';
    const note =
      backend === 'wasm'
        ? used === 1
          ? 'baseline: one thread (the default below 10M parameters)'
          : 'cross-origin isolated, ?threads='
        : 'smoke test, CPU, not a GPU figure';
    return { engine: label, note, variant, gens, loadMs };
  } finally {
    await browser.close();
  }
}

async function answer(page: Page, questionId: string): Promise<Gen[]> {
  await page.locator('#playground-pick').selectOption(questionId);
  await page.locator('#playground-run').click();
  const column = page.getByTestId('playground-column');
  await column.and(page.locator('[data-status="done"]')).waitFor({ timeout: 300_000 });
  const steps = await column.getByTestId('playground-step').all();
  const gens: Gen[] = [];
  for (const step of steps) {
    const num = async (name: string) => Number(await step.getAttribute(name));
    gens.push({
      prompt: (await step.getByTestId('step-prompt').textContent()) ?? '',
      stop: JSON.parse((await step.getAttribute('data-stop')) ?? '[]'),
      promptTokens: await num('data-prompt-tokens'),
      newTokens: await num('data-new-tokens'),
      firstTokenMs: await num('data-first-token-ms'),
      totalMs: await num('data-total-ms'),
    });
  }
  return gens;
}

async function nodeRun(prompts: { prompt: string; stop: string[] }[], variant: string): Promise<Row> {
  const t0 = performance.now();
  const student = await loadNodeStudent(join(DEMO_DIR, STUDENT), variantFile(variant));
  const loadMs = performance.now() - t0;
  const gens: Gen[] = [];
  for (const { prompt, stop } of prompts) {
    const s = await nodeGenerate(student, prompt, stop, manifest.loop.maxTokens);
    gens.push({
      prompt,
      stop,
      promptTokens: s.promptTokens,
      newTokens: s.ids.length,
      firstTokenMs: s.firstTokenMs,
      totalMs: s.totalMs,
    });
  }
  await student.session.release();
  return { engine: 'onnxruntime-node', note: 'native CPU, 1 thread', variant, gens, loadMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
}

function summarise(row: Row) {
  const g = row.gens;
  const newTokens = g.reduce((n, x) => n + x.newTokens, 0);
  const decodeTokens = g.reduce((n, x) => n + Math.max(0, x.newTokens - 1), 0);
  const decodeMs = g.reduce((n, x) => n + (x.totalMs - x.firstTokenMs), 0);
  const totalMs = g.reduce((n, x) => n + x.totalMs, 0);
  return {
    engine: row.engine,
    variant: row.variant,
    generations: g.length,
    'prompt tok (mean)': Math.round(g.reduce((n, x) => n + x.promptTokens, 0) / g.length),
    'new tok': newTokens,
    'TTFT median ms': Number(median(g.map((x) => x.firstTokenMs)).toFixed(1)),
    'decode tok/s': Number((decodeTokens / (decodeMs / 1000)).toFixed(1)),
    'overall tok/s': Number((newTokens / (totalMs / 1000)).toFixed(1)),
    'load s': row.loadMs === null ? '—' : Number((row.loadMs / 1000).toFixed(2)),
    note: row.note,
  };
}

const port = await freePort();
const workspace = mkdtempSync(join(tmpdir(), 'steper-bench-'));
const server = await startServer(port, workspace);
try {
  const base = `http://localhost:${port}`;
  const wasm1 = await browserRun(base, 'wasm', 1);
  const wasm = await browserRun(base, 'wasm', Math.min(4, availableParallelism()));
  const webgpu = await browserRun(base, 'webgpu');
  // Node runs the prompts the WASM run saw, on the variant it used (the browser's tokens are the
  // same: the e2e tests check it), so every row does the same work.
  const node = await nodeRun(
    wasm.gens.map(({ prompt, stop }) => ({ prompt, stop })),
    wasm.variant,
  );
  console.log(
    `\nBrowser student benchmark — student "${STUDENT}", ${QUESTIONS} held-out questions, every loop step (IRCoT, S=5, K=4, ≤${manifest.loop.maxTokens} new tokens); Chromium ${await chromiumVersion()}`,
  );
  console.table([summarise(node), summarise(wasm1), summarise(wasm), summarise(webgpu)]);
  console.log(
    'TTFT = tokenising + prefill of the whole prompt + the first token. WebGPU here is SwiftShader on the CPU: a smoke test of the WebGPU path, not a GPU figure.',
  );
} finally {
  stop(server);
  rmSync(workspace, { recursive: true, force: true });
}

async function chromiumVersion(): Promise<string> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const v = browser.version();
  await browser.close();
  return v;
}
