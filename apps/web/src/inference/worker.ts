/// <reference lib="webworker" />
import { Bm25Index, Bm25Retriever, type Question, type Retriever, runLoop } from '@steper/core';
import type { InferenceSession } from 'onnxruntime-web';
import { chatWrapper } from './chat';
import { greedyDecode } from './decoder';
import { type FileSpec, loadFiles, MissingFileError } from './files';
import {
  type DemoManifest,
  type ManifestFile,
  parseDemoManifest,
  type Student,
  type Variant,
  type VariantFile,
  variantBytes,
} from './manifest';
import { type ModelDims, parseModelConfig } from './model-config';
import {
  availableWasmThreads,
  configureOrt,
  createSession,
  type ModelFiles,
  OrtTensor,
  ortVersion,
} from './ort';
import type { LoadErrorKind, LoadedStudentInfo, WorkerEvent, WorkerRequest } from './protocol';
import { StudentGenerator } from './student-generator';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { approxParams, type Choice, chooseBackend, chooseWasmThreads, WASM_ORDER } from './variant';
import { probeWebGpu } from './webgpu';

/**
 * The playground's worker: BM25 over the shipped index, the students' ONNX sessions, and the
 * core IRCoT loop (runLoop, the one implementation) with the student as its Generator. The page
 * only renders the events it posts.
 */

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent) => scope.postMessage(event);

interface LoadedStudent {
  student: Student;
  info: LoadedStudentInfo;
  session: InferenceSession;
  dims: ModelDims;
  tokenizer: TextTokenizer;
}

let retriever: Bm25Retriever | null = null;
let loopConfig: DemoManifest['loop'] = { loop: 'ircot', maxSteps: 5, topK: 4, maxTokens: 48 };
const students = new Map<string, LoadedStudent>();
let wasmThreads = { count: 1, reason: 'one WebAssembly thread' };
const runs = new Map<number, AbortController>();
let queue: Promise<unknown> = Promise.resolve();

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'cancel') {
    runs.get(request.runId)?.abort(new Error('cancelled'));
    return;
  }
  // One job at a time: loads and runs share the sessions, and timings stay clean.
  queue = queue.then(() => (request.type === 'load' ? load(request) : run(request)));
};

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-store' });
  if (response.status === 404) {
    throw new MissingFileError(
      `${url} is missing (HTTP 404): build the demo students with scripts/build-demo-student.sh, then rebuild the web app`,
    );
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${url} is not JSON (is the web app serving its index.html in its place?)`);
  }
}

function errorKind(err: unknown): LoadErrorKind {
  const message = String((err as Error)?.message ?? err);
  if (err instanceof MissingFileError) return 'missing-file';
  if (/out of memory|OOM|allocation failed|Array buffer allocation/i.test(message)) {
    return 'out-of-memory';
  }
  return 'other';
}

async function load(request: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  const started = performance.now();
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    post({ type: 'notice', message });
  };
  try {
    for (const s of students.values()) await s.session.release();
    students.clear();
    const manifestUrl = new URL(request.manifestUrl, self.location.href);
    const manifest = parseDemoManifest(await fetchJson(manifestUrl.href), manifestUrl.pathname);
    const url = (f: ManifestFile): FileSpec => ({ ...f, url: new URL(f.path, manifestUrl).href });
    const chosen = pickStudents(manifest, request.studentIds);

    // Configs first (a few hundred bytes): the variant choice needs the model's shape.
    const cacheNotes: string[] = [];
    const { files: configs, fromCacheBytes: configsCached } = await loadFiles(
      chosen.map((s) => url(s.config)),
      () => {},
      cacheNotes,
    );
    const dims = chosen.map((s, i) => parseModelConfig(JSON.parse(decode(configs[i]!)), s.config.path));
    // Before the first session: the runtime reads its thread count once.
    const threads = chooseWasmThreads(dims, availableWasmThreads(), request.threads);
    wasmThreads = { count: configureOrt(threads.threads), reason: threads.reason };
    if (wasmThreads.count !== threads.threads)
      notice(
        `${threads.threads} WebAssembly threads wanted; this worker's runtime already runs ${wasmThreads.count}.`,
      );
    const gpu = await probeWebGpu();
    const choices = chosen.map((s, i) => chooseBackend(s, dims[i]!, request.backend, gpu));
    for (const [i, c] of choices.entries())
      if (c.fallback) notice(`${chosen[i]!.label}: ${c.fallback}. Running on WASM.`);

    // Index, then per student: tokenizer, its config, the graph and its external weights.
    const perStudent = chosen.map((s, i) => {
      const v = s.variants[choices[i]!.variant]!;
      return [url(s.tokenizer), url(s.tokenizerConfig), ...variantSpecs(v, url)];
    });
    const specs = [url(manifest.corpus.index), ...perStudent.flat()];
    const configBytes = chosen.reduce((n, s) => n + s.config.bytes, 0);
    const { files, fromCacheBytes } = await loadFiles(
      specs,
      (p) => {
        post({
          type: 'progress',
          progress: { ...p, loaded: p.loaded + configBytes, total: p.total + configBytes },
        });
      },
      cacheNotes,
    );
    for (const n of cacheNotes) notice(n);

    loopConfig = manifest.loop;
    retriever = new Bm25Retriever(Bm25Index.fromBytes(files[0]!));
    let at = 1;
    for (const [i, student] of chosen.entries()) {
      const own = files.slice(at, at + perStudent[i]!.length);
      at += own.length;
      const [tokJson, tokConfig] = own as [Uint8Array, Uint8Array];
      const model = modelFiles(student.variants[choices[i]!.variant]!, own.slice(2));
      const config = JSON.parse(decode(tokConfig));
      const tokenizer = loadTokenizer(
        JSON.parse(decode(tokJson)),
        config,
        student.promptFormat === 'chat' ? chatWrapper(config, student.tokenizerConfig.path) : undefined,
      );
      const { session, choice, modelBytes, sessionMs } = await openSession(
        student,
        choices[i]!,
        dims[i]!,
        model,
        url,
        notice,
      );
      students.set(student.id, {
        student,
        session,
        dims: dims[i]!,
        tokenizer,
        info: {
          id: student.id,
          label: student.label,
          objective: student.objective,
          backend: choice.backend,
          variant: choice.variant,
          modelBytes,
          reason: choice.reason,
          training: student.training,
          params: student.params ?? approxParams(dims[i]!),
          promptFormat: student.promptFormat,
          ...(student.description ? { description: student.description } : {}),
          ...(student.heldOut ? { heldOut: student.heldOut } : {}),
          sessionMs,
        },
      });
    }
    post({
      type: 'ready',
      info: {
        ortVersion,
        wasmThreads: wasmThreads.count,
        wasmThreadsReason: wasmThreads.reason,
        gpu,
        students: [...students.values()].map((s) => s.info),
        corpus: { name: manifest.corpus.name, passages: manifest.corpus.passages },
        questions: manifest.questions,
        loop: manifest.loop,
        notices,
        loadMs: performance.now() - started,
        fromCacheBytes: fromCacheBytes + configsCached,
        totalBytes: specs.reduce((n, s) => n + s.bytes, configBytes),
      },
    });
  } catch (err) {
    post({ type: 'load-error', kind: errorKind(err), message: (err as Error)?.message ?? String(err) });
  }
}

function variantSpecs(v: VariantFile, url: (f: ManifestFile) => FileSpec): FileSpec[] {
  return [url(v), ...v.externalData.map(url)];
}

function modelFiles(v: VariantFile, bytes: Uint8Array[]): ModelFiles {
  return {
    graph: bytes[0]!,
    external: v.externalData.map((f, i) => ({ path: f.location, data: bytes[1 + i]! })),
  };
}

function pickStudents(manifest: DemoManifest, ids: string[] | null): Student[] {
  if (!ids || ids.length === 0) return manifest.students;
  return ids.map((id) => {
    const s = manifest.students.find((x) => x.id === id);
    if (!s) {
      throw new Error(
        `no student "${id}" in the manifest; it has ${manifest.students.map((x) => x.id).join(', ')}`,
      );
    }
    return s;
  });
}

/**
 * A session on the chosen backend. WebGPU failing (device lost, unsupported op, too little
 * memory, or a kernel that fails when first run: SwiftShader cannot run onnxruntime-web's 4-bit
 * MatMulNBits) falls back to WASM with a notice; WASM running out of memory tries a smaller variant.
 */
async function openSession(
  student: Student,
  choice: Choice,
  dims: ModelDims,
  model: ModelFiles,
  url: (f: ManifestFile) => FileSpec,
  notice: (m: string) => void,
): Promise<{ session: InferenceSession; choice: Choice; modelBytes: number; sessionMs: number }> {
  const t0 = performance.now();
  const layers = dims.layers;
  let opened: InferenceSession | null = null;
  try {
    const session = await createSession(model, choice.backend, layers);
    opened = session;
    // A WebGPU session builds its kernels on first use: one token now, so that a kernel the
    // adapter cannot run falls back here rather than failing the first question.
    if (choice.backend === 'webgpu') {
      await greedyDecode(session, OrtTensor, dims, [0], { maxTokens: 1, stopIds: [] });
    }
    const modelBytes = variantBytes(student.variants[choice.variant]!);
    return { session, choice, modelBytes, sessionMs: performance.now() - t0 };
  } catch (err) {
    await opened?.release().catch(() => {});
    const message = (err as Error)?.message ?? String(err);
    const candidates: Variant[] = WASM_ORDER.filter(
      (v) => student.variants[v] && !(choice.backend === 'wasm' && v === choice.variant),
    );
    if (choice.backend === 'wasm' && errorKind(err) !== 'out-of-memory') throw err;
    const next =
      choice.backend === 'webgpu'
        ? candidates.includes('fp32')
          ? 'fp32'
          : candidates[0]
        : candidates.find((v) => v !== 'fp32');
    if (!next)
      throw new Error(
        `${student.label}: could not create a ${choice.backend} session (${message}) and no other variant is exported`,
      );
    notice(
      `${student.label}: the ${choice.backend} session for ${choice.variant} failed (${message}); falling back to WASM with ${next}.`,
    );
    const nextFile = student.variants[next]!;
    const files =
      next === choice.variant
        ? model
        : modelFiles(nextFile, (await loadFiles(variantSpecs(nextFile, url), () => {}, [])).files);
    const fallback: Choice = {
      backend: 'wasm',
      variant: next,
      reason: `fallback after ${choice.backend} failed; ${next} on the CPU`,
      fallback: message,
    };
    const session = await createSession(files, 'wasm', layers);
    return {
      session,
      choice: fallback,
      modelBytes: variantBytes(nextFile),
      sessionMs: performance.now() - t0,
    };
  }
}

const decoder = new TextDecoder();
function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const { runId } = request;
  const loaded = students.get(request.studentId);
  if (!loaded || !retriever) {
    post({ type: 'run-error', runId, message: `student "${request.studentId}" is not loaded` });
    return;
  }
  const controller = new AbortController();
  runs.set(runId, controller);
  const base = retriever;
  let step = 0;
  const watched: Retriever = {
    passage: (id) => base.passage(id),
    search: async (query, k, exclude) => {
      step++;
      const t0 = performance.now();
      const hits = await base.search(query, k, exclude);
      post({
        type: 'retrieval',
        runId,
        step,
        query,
        passages: hits.map(({ id, title, text, score }) => ({ id, title, text, score })),
        ms: performance.now() - t0,
      });
      return hits;
    },
  };
  const generator = new StudentGenerator(
    `${loaded.info.label} (${loaded.info.backend}, ${loaded.info.variant})`,
    loaded.session,
    OrtTensor,
    loaded.dims,
    loaded.tokenizer,
    {
      onText: (text, tokens, req) =>
        post({ type: 'token', runId, step: req.context.step, stage: req.context.stage, text, tokens }),
      onStats: (stats, req, output) =>
        post({ type: 'generation', runId, step: req.context.step, stage: req.context.stage, output, stats }),
    },
  );
  const q = request.question;
  const question: Question = {
    id: q.id,
    dataset: 'synthetic',
    question: q.question,
    answers: q.answers.length ? q.answers : [''],
    evidence: [],
    goldTitles: [],
    goldPassageIds: [],
  };
  try {
    const trace = await runLoop(
      question,
      {
        retriever: watched,
        generator,
        config: {
          ...loopConfig,
          maxTokens: request.maxTokens ?? loopConfig.maxTokens,
          promptStyle: 'student',
        },
      },
      controller.signal,
    );
    post({ type: 'done', runId, trace });
  } catch (err) {
    post({ type: 'run-error', runId, message: (err as Error)?.message ?? String(err) });
  } finally {
    runs.delete(runId);
  }
}
