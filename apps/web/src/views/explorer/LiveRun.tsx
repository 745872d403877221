import type { LoopName, Trace, TraceStep } from '@steper/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc, trpcClient } from '../../api/trpc';
import type { Outputs } from '../../api/types';
import { ALL_LOOPS } from '../../components/choices';
import { ErrorView, Loading } from '../../components/States';
import { stepViews } from '../../lib/trace';
import { AnswerPanel } from './AnswerPanel';
import { StepCard } from './StepCard';

type LiveGenerator = Outputs['live']['generators'][number];

const KIND_GROUPS: { kind: LiveGenerator['kind']; label: string }[] = [
  { kind: 'evidence', label: 'Offline' },
  { kind: 'teacher', label: 'Teachers (endpoints)' },
  { kind: 'student', label: 'Students (exported ONNX)' },
];

/**
 * Type a question, pick a generator and a loop, and watch the trace being built: each step is
 * drawn as soon as the server has it (live.run), then the answer against the gold one.
 */
export function LiveRun({ corpusId }: { corpusId: string }) {
  const generators = useQuery(trpc.live.generators.queryOptions());
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [loop, setLoop] = useState<LoopName>('ircot');
  const [generator, setGenerator] = useState('');
  const [steps, setSteps] = useState<TraceStep[]>([]);
  const [final, setFinal] = useState<Trace | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const sub = useRef<{ unsubscribe: () => void } | null>(null);
  useEffect(() => () => sub.current?.unsubscribe(), []);

  if (generators.error) return <ErrorView error={generators.error} what="live generators" />;
  if (generators.isPending) return <Loading what="generators" />;
  const chosen = generators.data.find((g) => g.id === generator) ?? generators.data[0];

  const stop = () => {
    sub.current?.unsubscribe();
    sub.current = null;
    setRunning(false);
  };
  const start = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    sub.current?.unsubscribe();
    setSteps([]);
    setFinal(null);
    setError(null);
    setRunning(true);
    sub.current = trpcClient.live.run.subscribe(
      { corpusId, question, answers: answer.trim() ? [answer.trim()] : [], loop, generator: chosen.id },
      {
        onData: (ev) => {
          if (ev.type === 'step') setSteps((s) => [...s, ev.step]);
          else if (ev.type === 'done') {
            setFinal(ev.trace);
            stop();
          } else {
            setError(ev.message);
            stop();
          }
        },
        onError: (err) => {
          setError(errorMessage(err));
          stop();
        },
      },
    );
  };
  const shown: Trace | null = final ?? (steps.length ? ({ steps } as Trace) : null);

  return (
    <section className="panel live-run" id="live-run" data-testid="live-run">
      <header className="panel-head">
        <h2>Live single-question run</h2>
        {chosen && (
          <span className="muted" data-testid="live-style">
            {chosen.kind === 'student' ? 'student prompt: (q, P≤s), no demonstrations' : 'teacher prompt'}
          </span>
        )}
      </header>
      <form className="form-grid" onSubmit={start}>
        <label className="wide">
          Question
          <input
            id="live-question"
            type="text"
            value={question}
            placeholder="Who directed the film that stars …?"
            onChange={(e) => setQuestion(e.target.value)}
          />
        </label>
        <label>
          Gold answer (optional)
          <input id="live-answer" type="text" value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </label>
        <label style={{ gridColumn: 'span 2' }}>
          Generator
          <select id="live-generator" value={chosen?.id ?? ''} onChange={(e) => setGenerator(e.target.value)}>
            {KIND_GROUPS.map(({ kind, label }) => {
              const group = generators.data.filter((g) => g.kind === kind);
              return (
                group.length > 0 && (
                  <optgroup key={kind} label={label}>
                    {group.map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.label}
                      </option>
                    ))}
                  </optgroup>
                )
              );
            })}
          </select>
        </label>
        <label className="narrow">
          Loop
          <select id="live-loop" value={loop} onChange={(e) => setLoop(e.target.value as LoopName)}>
            {ALL_LOOPS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button
            id="live-start"
            type="submit"
            className="btn btn-primary"
            disabled={!question.trim() || !chosen || running}
          >
            {running ? 'Running…' : 'Run'}
          </button>
          {running && (
            <>
              <span className="muted" role="status" data-testid="live-progress">
                step {steps.length + 1}…
              </span>
              <button id="live-stop" type="button" className="btn btn-small" onClick={stop}>
                Stop
              </button>
            </>
          )}
          {error && (
            <span className="error-text mono-wrap" data-testid="live-error">
              {error}
            </span>
          )}
        </div>
      </form>
      {shown && (
        <div className="steps panel-body" data-testid="live-steps">
          {stepViews(shown).map((v) => (
            <StepCard key={v.step.step} view={v} focused={false} showPrompt={false} />
          ))}
        </div>
      )}
      {final && (
        <div className="panel-body">
          <AnswerPanel prediction={final.prediction} answers={final.answers} />
        </div>
      )}
    </section>
  );
}
