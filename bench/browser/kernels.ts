/**
 * Why the browser decodes slower than onnxruntime-node, measured in one run:
 *  1. one-token float32 MatMuls of SmolLM2-135M's shapes (a decoder step is mostly these) in
 *     onnxruntime-web's WebAssembly kernels in Chromium beside onnxruntime-node's native ones;
 *  2. when the real model's export is there (npm run test:real-model makes it), the playground's
 *     own decoder (greedyDecode) on it at several prompt lengths, both sides.
 * Same graphs, same threads, same prompts.
 *
 *   npx tsx bench/browser/kernels.ts      (needs the trainer's venv for onnx: bash scripts/setup.sh)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import * as ortNode from 'onnxruntime-node';
import { build } from 'vite';
import { greedyDecode, type TensorCtor } from '../../apps/web/src/inference/decoder';
import { parseModelConfig } from '../../apps/web/src/inference/model-config';
import { CHROMIUM_ARGS } from '../../e2e/tests/helpers';
import { decodeFigures, medianMs, promptIds } from './kernels-shared';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ORT_DIST = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const REAL_MODEL = join(
  process.env.STEPER_REAL_MODEL_CACHE ?? join(ROOT, '.cache', 'real-model'),
  'browser-export',
  'export',
);
/** Timed runs per MatMul graph; new tokens per decode. */
const RUNS = 30;
/** Alternating rounds (browser, then Node); each side's best is kept. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Prompt lengths of the decode runs: the playground's IRCoT prompts are about 200 tokens. */
const PROMPTS = [10, 200, 600];
const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};
const PAGE = `<!doctype html><script type="module">
const w = new Worker('/worker.mjs' + location.search, { type: 'module' });
w.onmessage = (e) => { window.result = e.data; };
</script>`;

interface Shape {
  name: string;
  k: number;
  n: number;
  copies: number;
}
type Decode = ReturnType<typeof decodeFigures>;
interface BrowserResult {
  matmul?: Record<string, number>;
  decode?: Decode[];
  threads?: number;
  error?: string;
}

async function nodeMatMuls(dir: string, shapes: Shape[], threads: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { name, k } of shapes) {
    const s = await ortNode.InferenceSession.create(join(dir, `${name}.onnx`), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const x = new ortNode.Tensor('float32', Float32Array.from({ length: k }, Math.sin), [1, 1, k]);
    out[name] = await medianMs(() => s.run({ x }), RUNS);
    await s.release();
  }
  return out;
}

async function nodeDecodes(threads: number): Promise<Decode[]> {
  const dims = parseModelConfig(
    JSON.parse(readFileSync(join(REAL_MODEL, 'config.json'), 'utf8')),
    'config.json',
  );
  const s = await ortNode.InferenceSession.create(join(REAL_MODEL, 'onnx', 'model.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    const out: Decode[] = [];
    for (const n of PROMPTS) {
      const opts = { maxTokens: RUNS, stopIds: [] };
      out.push(
        decodeFigures(
          n,
          await greedyDecode(s, ortNode.Tensor as unknown as TensorCtor, dims, promptIds(n), opts),
        ),
      );
    }
    return out;
  } finally {
    await s.release();
  }
}

/** The worker, bundled with the app's decoder; the runtime's files are served from node_modules. */
async function workerCode(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    // The runtime without its WebAssembly inlined: it fetches the files from /ort/.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm'] },
    build: {
      write: false,
      minify: false,
      lib: { entry: join(import.meta.dirname, 'kernels-worker.ts'), formats: ['es'], fileName: 'worker' },
    },
  });
  const result = Array.isArray(out) ? out[0]! : out;
  if (!('output' in result)) throw new Error('vite build returned a watcher, not a bundle');
  return result.output[0].code;
}

/** One page: every MatMul graph, then (when asked) the real model's decodes. */
async function browserRun(
  browser: Browser,
  base: string,
  shapes: Shape[],
  threads: number,
  decode: boolean,
): Promise<Required<Pick<BrowserResult, 'matmul'>> & BrowserResult> {
  const page = await browser.newPage();
  try {
    const graphs = shapes.map((s) => `${s.name}:${s.k}`).join(',');
    const prompts = decode ? `&prompts=${PROMPTS.join(',')}` : '';
    await page.goto(`${base}/?threads=${threads}&runs=${RUNS}&graphs=${graphs}${prompts}`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result, null, {
      timeout: 600_000,
    });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as BrowserResult;
    if (!r.matmul) throw new Error(`the browser run failed: ${r.error}`);
    if (r.threads !== threads)
      throw new Error(`asked for ${threads} WASM threads, the page ran ${r.threads}`);
    return { ...r, matmul: r.matmul };
  } finally {
    await page.close();
  }
}

/** Per graph, the lower of two medians. */
function best(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.min(out[k] ?? Number.POSITIVE_INFINITY, v);
  return out;
}

/** Per prompt length, the faster decode. */
function fastest(a: Decode[], b: Decode[]): Decode[] {
  if (a.length === 0) return b;
  return a.map((x, i) => (b[i] && b[i]!.decodeTokensPerS > x.decodeTokensPerS ? b[i]! : x));
}

const python = join(ROOT, 'apps', 'trainer', '.venv', 'bin', 'python');
if (!existsSync(python)) throw new Error(`no trainer venv at ${python}: run bash scripts/setup.sh first`);
const realModel = existsSync(join(REAL_MODEL, 'onnx', 'model.onnx'));
const dir = mkdtempSync(join(tmpdir(), 'steper-kernels-'));
const worker = await workerCode();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') return res.writeHead(200, { ...ISOLATED, 'content-type': 'text/html' }).end(PAGE);
  if (url.pathname === '/worker.mjs')
    return res.writeHead(200, { ...ISOLATED, 'content-type': 'text/javascript' }).end(worker);
  const roots: [string, string][] = [
    ['/ort/', ORT_DIST],
    ['/graphs/', dir],
    ['/model/', REAL_MODEL],
  ];
  const hit = roots.find(([prefix]) => url.pathname.startsWith(prefix));
  const rel = hit ? url.pathname.slice(hit[0].length) : '';
  const file = hit && !rel.includes('..') ? join(hit[1], rel) : null;
  if (!file || !existsSync(file)) return res.writeHead(404).end();
  const type = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' }[
    extname(file)
  ];
  res.writeHead(200, { ...ISOLATED, 'content-type': type ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
try {
  const spec = execFileSync(python, [join(import.meta.dirname, 'kernels.py'), dir], { encoding: 'utf8' });
  const shapes: Shape[] = spec
    .trim()
    .split(' ')
    .map((s) => {
      const [name, k, n, copies] = s.split(':');
      return { name: name!, k: Number(k), n: Number(n), copies: Number(copies) };
    });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  const matmulRows = [];
  const decodeRows = [];
  try {
    for (const threads of [...new Set([1, Math.min(4, availableParallelism())])]) {
      // The whole model only at one thread: in WebAssembly more threads slow this model's small
      // MatMuls here (the table's second half shows it).
      const decode = realModel && threads === 1;
      // Alternating rounds, the best of each side kept: both meet the same load on a shared machine.
      let wasmMs: Record<string, number> = {};
      let nodeMs: Record<string, number> = {};
      let wasmDecode: Decode[] = [];
      let nodeDecode: Decode[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const r = await browserRun(browser, base, shapes, threads, decode);
        wasmMs = best(wasmMs, r.matmul);
        nodeMs = best(nodeMs, await nodeMatMuls(dir, shapes, threads));
        if (decode) {
          wasmDecode = fastest(wasmDecode, r.decode ?? []);
          nodeDecode = fastest(nodeDecode, await nodeDecodes(threads));
        }
      }
      for (const { name, k, n, copies } of shapes) {
        const bytes = k * n * 4 * copies;
        matmulRows.push({
          threads,
          'MatMul [1,K]×[K,N]': name,
          'node µs': Number(((nodeMs[name]! / copies) * 1000).toFixed(1)),
          'WASM µs': Number(((wasmMs[name]! / copies) * 1000).toFixed(1)),
          'WASM / node speed': Number((nodeMs[name]! / wasmMs[name]!).toFixed(2)),
          'node GB/s': Number((bytes / nodeMs[name]! / 1e6).toFixed(1)),
          'WASM GB/s': Number((bytes / wasmMs[name]! / 1e6).toFixed(1)),
        });
      }
      for (const [i, w] of wasmDecode.entries()) {
        const n = nodeDecode[i]!;
        const same = w.ids.filter((id, j) => id === n.ids[j]).length;
        decodeRows.push({
          threads,
          'prompt tokens': w.promptTokens,
          'node tok/s': Number(n.decodeTokensPerS.toFixed(2)),
          'WASM tok/s': Number(w.decodeTokensPerS.toFixed(2)),
          'WASM / node': Number((w.decodeTokensPerS / n.decodeTokensPerS).toFixed(2)),
          'node TTFT ms': Math.round(n.firstTokenMs),
          'WASM TTFT ms': Math.round(w.firstTokenMs),
          'same tokens': `${same}/${w.ids.length}`,
        });
      }
    }
  } finally {
    await browser.close();
  }
  const webVersion = JSON.parse(readFileSync(join(ORT_DIST, '..', 'package.json'), 'utf8')).version;
  console.log(
    `\nOne-token float32 MatMuls, median of ${RUNS} runs, best of ${ROUNDS} alternating rounds, per MatMul: onnxruntime-web ${webVersion} WebAssembly (SIMD, Chromium ${chromiumVersion}) vs onnxruntime-node ${ortNode.env.versions.common} (native)`,
  );
  console.table(matmulRows);
  if (decodeRows.length) {
    console.log(
      `\nSmolLM2-135M-Instruct float32 (${REAL_MODEL}), the playground's decoder, ${RUNS} greedy tokens after prompts of ${PROMPTS.join(' / ')} tokens, best of ${ROUNDS} alternating rounds:`,
    );
    console.table(decodeRows);
  } else {
    console.log(
      `\n(no real-model export at ${REAL_MODEL}: npm run test:real-model makes it; decode rows skipped)`,
    );
  }
  console.log(
    'A decoder step is mostly these MatMuls: the browser/Node decode ratio stays near the MatMuls’ own, less where the other operators (slower in WebAssembly) weigh more.',
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
