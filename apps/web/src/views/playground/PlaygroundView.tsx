import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ViewHeader } from '../../components/Layout';
import { clearFileCache } from '../../inference/files';
import type { DemoQuestion } from '../../inference/manifest';
import type { BackendPreference } from '../../inference/variant';
import { QuestionForm } from './QuestionForm';
import { RuntimePanel } from './RuntimePanel';
import { StudentColumn } from './StudentColumn';
import { manifestUrlFrom, usePlayground } from './usePlayground';
import './playground.css';

const BACKENDS: BackendPreference[] = ['auto', 'webgpu', 'wasm'];

/**
 * The in-browser demo: distilled students answer a multi-hop question by themselves, BM25 and the
 * IRCoT loop included, in a Web Worker; side by side when Vanilla-KD and StepER are both shipped.
 * ?backend=auto|webgpu|wasm, ?students=a,b, ?maxTokens=N, ?threads=N (WebAssembly) and ?manifest=URL make a state linkable
 * (and testable).
 */
export default function PlaygroundView() {
  const [params, setParams] = useSearchParams();
  const backendParam = params.get('backend') as BackendPreference | null;
  const backend = backendParam && BACKENDS.includes(backendParam) ? backendParam : 'auto';
  const studentsParam = params.get('students');
  const studentIds = useMemo(() => (studentsParam ? studentsParam.split(',') : null), [studentsParam]);
  const maxTokensParam = Number(params.get('maxTokens')) || null;
  const threads = Math.floor(Number(params.get('threads'))) || undefined;
  const [reload, setReload] = useState(0);
  const manifest = manifestUrlFrom(params.get('manifest'));
  const { state, run, cancel } = usePlayground(backend, studentIds, reload, manifest.url, threads);
  const [current, setCurrent] = useState<{ question: DemoQuestion; runIds: number[] } | null>(null);

  const info = state.load.status === 'ready' ? state.load.info : null;
  const runs = current ? current.runIds.map((id) => state.runs[id]) : [];
  const running = runs.some((r) => r && (r.status === 'running' || r.status === 'queued'));

  const setBackend = (b: BackendPreference) => {
    const next = new URLSearchParams(params);
    next.set('backend', b);
    setParams(next);
    setCurrent(null);
  };

  return (
    <div className="pg">
      <ViewHeader
        title="Playground"
        sub="A distilled student runs the whole multi-step loop in this browser — BM25 retrieval and step-by-step reasoning in a Web Worker, no server doing the work."
        actions={
          <button
            type="button"
            className="btn btn-small"
            onClick={async () => {
              await clearFileCache();
              setReload((n) => n + 1);
            }}
          >
            Clear model cache
          </button>
        }
      />
      <RuntimePanel
        state={state}
        backend={backend}
        onBackend={setBackend}
        onRetry={() => setReload((n) => n + 1)}
      />
      {manifest.error && (
        <div className="state state-error" role="alert">
          <div className="state-body">{manifest.error}</div>
        </div>
      )}
      {info && (
        <>
          <QuestionForm
            questions={info.questions}
            maxTokens={maxTokensParam ?? info.loop.maxTokens}
            disabled={running}
            running={running}
            onRun={(question, maxTokens) =>
              setCurrent({
                question,
                runIds: run(
                  question,
                  info.students.map((s) => s.id),
                  maxTokens,
                ),
              })
            }
            onCancel={() => current && cancel(current.runIds)}
          />
          {current && (
            <div className="pg-question" data-testid="playground-question">
              {current.question.question}
            </div>
          )}
          <div
            className="pg-columns"
            style={{ gridTemplateColumns: `repeat(${info.students.length}, minmax(0, 1fr))` }}
          >
            {info.students.map((s, i) => (
              <StudentColumn
                key={s.id}
                student={s}
                run={current ? state.runs[current.runIds[i]!] : undefined}
                gold={current?.question.answers.filter((a) => a !== '') ?? []}
              />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
