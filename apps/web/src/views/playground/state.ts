import type { Stage, Trace } from '@steper/core';
import type { LoadProgress } from '../../inference/files';
import type { LoadErrorKind, ReadyInfo, WorkerEvent } from '../../inference/protocol';
import type { GenerationStats } from '../../inference/student-generator';

/** The playground's state, built only from worker events (one reducer, so the view is a function of it). */

export interface StepState {
  step: number;
  stage: Stage | null;
  query: string | null;
  passages: { id: string; title: string; text: string; score: number }[];
  retrievalMs: number | null;
  /** The generation so far, while it streams. */
  text: string;
  tokens: number;
  stats: GenerationStats | null;
}

export interface RunState {
  runId: number;
  studentId: string;
  questionId: string;
  status: 'queued' | 'running' | 'done' | 'error' | 'cancelled';
  steps: StepState[];
  trace: Trace | null;
  error: string | null;
}

export interface PlaygroundState {
  load:
    | { status: 'loading'; progress: LoadProgress | null }
    | { status: 'ready'; info: ReadyInfo }
    | { status: 'error'; kind: LoadErrorKind; message: string };
  notices: string[];
  runs: Record<number, RunState>;
}

export type PlaygroundAction =
  | { type: 'event'; event: WorkerEvent }
  | { type: 'loading' }
  | { type: 'queued'; runId: number; studentId: string; questionId: string };

export const initialState: PlaygroundState = {
  load: { status: 'loading', progress: null },
  notices: [],
  runs: {},
};

function emptyStep(step: number): StepState {
  return {
    step,
    stage: null,
    query: null,
    passages: [],
    retrievalMs: null,
    text: '',
    tokens: 0,
    stats: null,
  };
}

function updateStep(run: RunState, step: number, f: (s: StepState) => StepState): RunState {
  const steps = run.steps.slice();
  const at = steps.findIndex((s) => s.step === step);
  if (at < 0) steps.push(f(emptyStep(step)));
  else steps[at] = f(steps[at]!);
  return { ...run, status: 'running', steps };
}

function withRun(state: PlaygroundState, runId: number, f: (r: RunState) => RunState): PlaygroundState {
  const run = state.runs[runId];
  return run ? { ...state, runs: { ...state.runs, [runId]: f(run) } } : state;
}

export function reducer(state: PlaygroundState, action: PlaygroundAction): PlaygroundState {
  if (action.type === 'loading') return { ...initialState };
  if (action.type === 'queued') {
    const run: RunState = {
      runId: action.runId,
      studentId: action.studentId,
      questionId: action.questionId,
      status: 'queued',
      steps: [],
      trace: null,
      error: null,
    };
    return { ...state, runs: { ...state.runs, [action.runId]: run } };
  }
  const e = action.event;
  switch (e.type) {
    case 'progress':
      return state.load.status === 'loading'
        ? { ...state, load: { status: 'loading', progress: e.progress } }
        : state;
    case 'notice':
      return { ...state, notices: [...state.notices, e.message] };
    case 'ready':
      return { ...state, load: { status: 'ready', info: e.info } };
    case 'load-error':
      return { ...state, load: { status: 'error', kind: e.kind, message: e.message } };
    case 'retrieval':
      return withRun(state, e.runId, (r) =>
        updateStep(r, e.step, (s) => ({ ...s, query: e.query, passages: e.passages, retrievalMs: e.ms })),
      );
    case 'token':
      return withRun(state, e.runId, (r) =>
        updateStep(r, e.step, (s) => ({ ...s, stage: e.stage, text: e.text, tokens: e.tokens })),
      );
    case 'generation':
      return withRun(state, e.runId, (r) =>
        updateStep(r, e.step, (s) => ({ ...s, stage: e.stage, text: e.output, stats: e.stats })),
      );
    case 'done':
      return withRun(state, e.runId, (r) => ({ ...r, status: 'done', trace: e.trace }));
    case 'run-error':
      return withRun(state, e.runId, (r) => ({
        ...r,
        status: /cancelled/.test(e.message) ? 'cancelled' : 'error',
        error: e.message,
      }));
  }
}

/** Tokens/s and time per step of a run, from its steps' generation stats. */
export function runSummary(run: RunState) {
  const stats = run.steps.map((s) => s.stats).filter((s): s is GenerationStats => s !== null);
  const tokens = stats.reduce((n, s) => n + s.completionTokens, 0);
  const genMs = stats.reduce((n, s) => n + s.totalMs, 0);
  const decodeTokens = stats.reduce((n, s) => n + Math.max(0, s.completionTokens - 1), 0);
  const decodeMs = stats.reduce((n, s) => n + (s.totalMs - s.firstTokenMs), 0);
  return {
    steps: stats.length,
    tokens,
    tokensPerSec: genMs > 0 ? tokens / (genMs / 1000) : null,
    decodeTokensPerSec: decodeMs > 0 ? decodeTokens / (decodeMs / 1000) : null,
    meanFirstTokenMs: stats.length ? stats.reduce((n, s) => n + s.firstTokenMs, 0) / stats.length : null,
    meanStepMs: stats.length ? genMs / stats.length : null,
  };
}
