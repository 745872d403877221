import type { LoopName, Trace, TraceStep } from '@steper/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorKind, errorMessage } from '../../api/errors';
import { untypedClient } from '../../api/trpc';
import { ErrorView, Loading } from '../../components/States';
import { stepViews } from '../../lib/trace';
import { AnswerPanel } from './AnswerPanel';
import { StepCard } from './StepCard';

/** What the server is expected to offer for a live run (notes/web-needs.md). */
interface LiveGenerator {
  id: string;
  label: string;
  kind: 'teacher' | 'student' | 'evidence';
}
type LiveEvent =
  | { type: 'step'; step: TraceStep }
  | { type: 'done'; trace: Trace }
  | { type: 'error'; message: string };

/**
 * Type a question, pick a generator and a loop, and watch the trace being built step by step.
 * Needs `live.generators` and the `live.run` subscription from the server.
 */
export function LiveRun({ corpusId }: { corpusId: string }) {
  const generators = useQuery({
    queryKey: ['live', 'generators'],
    queryFn: () => untypedClient.query('live.generators', undefined) as Promise<LiveGenerator[]>,
    retry: false,
  });
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

  if (generators.error && errorKind(generators.error) !== 'not-available') {
    return <ErrorView error={generators.error} what="live generators" />;
  }
  if (generators.error) {
    return (
      <div className="state state-pending" data-testid="not-available">
        <div className="state-title">Live single-question run: not available yet</div>
        <div className="state-body">
          The server does not offer <code>live.generators</code> and the <code>live.run</code> subscription
          yet. Traces of finished runs are browsable on the left.
        </div>
      </div>
    );
  }
  if (generators.isPending) return <Loading what="generators" />;

  const start = (e: FormEvent) => {
    e.preventDefault();
    sub.current?.unsubscribe();
    setSteps([]);
    setFinal(null);
    setError(null);
    setRunning(true);
    sub.current = untypedClient.subscription(
      'live.run',
      {
        corpusId,
        question,
        answers: answer ? [answer] : [],
        loop,
        generator: generator || generators.data[0]?.id,
      },
      {
        onData: (raw: unknown) => {
          const ev = ((raw as { data?: LiveEvent }).data ?? raw) as LiveEvent;
          if (ev.type === 'step') setSteps((s) => [...s, ev.step]);
          if (ev.type === 'done') {
            setFinal(ev.trace);
            setRunning(false);
          }
          if (ev.type === 'error') {
            setError(ev.message);
            setRunning(false);
          }
        },
        onError: (err: unknown) => {
          setError(errorMessage(err));
          setRunning(false);
        },
      },
    );
  };
  const partial: Trace | null = final ?? (steps.length ? ({ steps } as Trace) : null);

  return (
    <div>
      <form className="form-grid panel" onSubmit={start}>
        <label className="wide">
          Question
          <input
            id="live-question"
            type="text"
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
          />
        </label>
        <label>
          Gold answer (optional)
          <input id="live-answer" type="text" value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </label>
        <label>
          Generator
          <select id="live-generator" value={generator} onChange={(e) => setGenerator(e.target.value)}>
            {generators.data.map((g) => (
              <option key={g.id} value={g.id}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Loop
          <select id="live-loop" value={loop} onChange={(e) => setLoop(e.target.value as LoopName)}>
            <option value="ircot">IRCoT</option>
            <option value="self-ask">Self-Ask</option>
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!question.trim() || running}>
            {running ? 'Running…' : 'Run'}
          </button>
          {error && <span className="error-text">{error}</span>}
        </div>
      </form>
      {partial && (
        <div className="steps">
          {stepViews(partial).map((v) => (
            <StepCard key={v.step.step} view={v} focused={false} showPrompt={false} />
          ))}
        </div>
      )}
      {final && (
        <div style={{ marginTop: 12 }}>
          <AnswerPanel prediction={final.prediction} answers={final.answers} />
        </div>
      )}
    </div>
  );
}
