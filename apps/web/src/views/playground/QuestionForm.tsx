import { useState } from 'react';
import type { DemoQuestion } from '../../inference/manifest';

/** Pick a held-out question of the synthetic world, or type one. */
export function QuestionForm({
  questions,
  maxTokens: initialMaxTokens,
  disabled,
  running,
  onRun,
  onCancel,
}: {
  questions: DemoQuestion[];
  /** New tokens per step to start with (the manifest's, or ?maxTokens=). */
  maxTokens: number;
  disabled: boolean;
  running: boolean;
  onRun: (q: DemoQuestion, maxTokens: number) => void;
  onCancel: () => void;
}) {
  const [picked, setPicked] = useState(questions[0]?.id ?? '');
  const [typed, setTyped] = useState('');
  const [maxTokens, setMaxTokens] = useState(initialMaxTokens);
  const question: DemoQuestion | null = typed.trim()
    ? { id: 'typed', question: typed.trim(), answers: [''] }
    : (questions.find((q) => q.id === picked) ?? null);
  return (
    <section className="panel" id="playground-question">
      <header className="panel-head">
        <h2>Question</h2>
      </header>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (question && !disabled) onRun(question, maxTokens);
        }}
      >
        <label className="wide">
          A held-out question of the synthetic world
          <select
            id="playground-pick"
            value={picked}
            onChange={(e) => {
              setPicked(e.target.value);
              setTyped('');
            }}
          >
            {questions.map((q) => (
              <option key={q.id} value={q.id}>
                {q.question} {q.type ? `(${q.type}${q.hops ? `, ${q.hops} hops` : ''})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          … or type your own (it replaces the pick)
          <input
            id="playground-typed"
            type="text"
            value={typed}
            placeholder="Where was the director of Pale Canyon born?"
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        <label>
          Max new tokens per step
          <input
            id="playground-max-tokens"
            type="number"
            min={1}
            max={512}
            value={maxTokens}
            onChange={(e) => setMaxTokens(Math.max(1, Math.min(512, Number(e.target.value) || 1)))}
          />
        </label>
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            id="playground-run"
            disabled={disabled || !question}
          >
            Run
          </button>
          {running && (
            <button type="button" className="btn" id="playground-cancel" onClick={onCancel}>
              Cancel
            </button>
          )}
          {question && question.answers[0] !== '' && (
            <span className="muted">gold: {question.answers.join(' / ')}</span>
          )}
        </div>
      </form>
    </section>
  );
}
