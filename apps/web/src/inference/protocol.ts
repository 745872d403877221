import type { RetrievedPassage, Stage, Trace } from '@steper/core';
import type { LoadProgress } from './files';
import type { DemoQuestion, Student, Variant } from './manifest';
import type { GenerationStats } from './student-generator';
import type { Backend, BackendPreference } from './variant';
import type { WebGpuProbe } from './webgpu';

/** Messages between the playground page and its Web Worker (worker.ts). */

export type WorkerRequest =
  | {
      type: 'load';
      manifestUrl: string;
      studentIds: string[] | null;
      backend: BackendPreference;
      /** WebAssembly threads asked for (?threads=N); chosen by model size when absent. */
      threads?: number;
    }
  | {
      type: 'run';
      runId: number;
      studentId: string;
      question: DemoQuestion;
      /** New tokens per step; the manifest's loop.maxTokens when absent. */
      maxTokens?: number;
    }
  | { type: 'cancel'; runId: number };

export interface LoadedStudentInfo {
  id: string;
  label: string;
  objective: string;
  backend: Backend;
  variant: Variant;
  modelBytes: number;
  reason: string;
  training: Record<string, string | number | null>;
  /** Parameters: the manifest's count, else approxParams of the config. */
  params: number;
  description?: string;
  /** `chat`: each prompt goes to the model as a user turn in its chat template. */
  promptFormat: Student['promptFormat'];
  /** EM on the manifest's held-out multi-hop questions, when the build measured it. */
  heldOut?: Student['heldOut'];
  sessionMs: number;
}

export interface ReadyInfo {
  ortVersion: string;
  /** WebAssembly threads in use (chooseWasmThreads), and why. */
  wasmThreads: number;
  wasmThreadsReason: string;
  gpu: WebGpuProbe;
  students: LoadedStudentInfo[];
  corpus: { name: string; passages: number };
  questions: DemoQuestion[];
  loop: { maxSteps: number; topK: number; maxTokens: number };
  /** Fallbacks and cache problems: shown, never silent. */
  notices: string[];
  loadMs: number;
  fromCacheBytes: number;
  totalBytes: number;
}

export type LoadErrorKind = 'missing-file' | 'webgpu' | 'out-of-memory' | 'other';

export type WorkerEvent =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'notice'; message: string }
  | { type: 'ready'; info: ReadyInfo }
  | { type: 'load-error'; kind: LoadErrorKind; message: string }
  | {
      type: 'retrieval';
      runId: number;
      step: number;
      query: string;
      passages: Pick<RetrievedPassage, 'id' | 'title' | 'text' | 'score'>[];
      ms: number;
    }
  | { type: 'token'; runId: number; step: number; stage: Stage; text: string; tokens: number }
  | {
      type: 'generation';
      runId: number;
      step: number;
      stage: Stage;
      output: string;
      stats: GenerationStats;
    }
  | { type: 'done'; runId: number; trace: Trace }
  | { type: 'run-error'; runId: number; message: string };
