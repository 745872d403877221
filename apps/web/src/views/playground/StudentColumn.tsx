import { ANSWER_FLAGS, type Trace } from '@steper/core';
import type { LoadedStudentInfo } from '../../inference/protocol';
import { ms, num, pct } from '../../lib/format';
import { scoreAnswer } from '../../lib/trace';
import { type RunState, runSummary, type StepState } from './state';

/** One student's answer to the question: steps as they stream in, the final answer, its speed. */
export function StudentColumn({
  student,
  run,
  gold,
}: {
  student: LoadedStudentInfo;
  run: RunState | undefined;
  gold: string[];
}) {
  const summary = run ? runSummary(run) : null;
  return (
    <section
      className="panel pg-column"
      data-testid="playground-column"
      data-student={student.id}
      data-status={run?.status ?? 'idle'}
    >
      <header className="panel-head">
        <h2>
          {student.label} <span className="muted pg-small">{student.objective}</span>
        </h2>
        <span className="muted pg-small">
          {student.backend === 'webgpu' ? 'WebGPU' : 'WASM'} · {student.variant}
        </span>
      </header>
      <div className="panel-body">
        <TrainingNote student={student} />
        {!run && <div className="muted">Pick a question and press Run.</div>}
        {run && (
          <>
            <div className="pg-stats" data-testid="playground-stats">
              <Stat label="tokens/s" value={num(summary?.tokensPerSec ?? null, 1)} testId="stat-tps" />
              <Stat label="decode tokens/s" value={num(summary?.decodeTokensPerSec ?? null, 1)} />
              <Stat
                label="first token (mean)"
                value={ms(summary?.meanFirstTokenMs ?? null)}
                testId="stat-ttft"
              />
              <Stat label="time per step" value={ms(summary?.meanStepMs ?? null)} testId="stat-step" />
              <Stat label="whole question" value={ms(run.trace?.totalMs ?? null)} />
            </div>
            {run.trace && <FinalAnswer trace={run.trace} gold={gold} />}
            {run.status === 'queued' && <div className="muted">Waiting for the other student to finish…</div>}
            {run.error && (
              <div className="state state-error" role="alert" data-testid="playground-run-error">
                <div className="state-body mono-wrap">{run.error}</div>
              </div>
            )}
            <ol className="pg-steps">
              {run.steps.map((s) => (
                <StepItem
                  key={s.step}
                  step={s}
                  prompt={run.trace?.steps.find((t) => t.step === s.step)?.prompt}
                />
              ))}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}

/**
 * The prediction exactly as an evaluation scores it (core's extractAnswer, in the loop: the rest
 * of the answer flag's line), with the EM / F1 / Acc it would record, and the answering step's
 * whole output apart: a student that runs on past its answer shows that in the prediction.
 */
function FinalAnswer({ trace, gold }: { trace: Trace; gold: string[] }) {
  const { prediction } = trace;
  const scores = gold.length > 0 ? scoreAnswer(prediction, gold) : null;
  const answering = trace.steps.at(-1);
  return (
    <div
      className={`pg-answer ${scores ? (scores.em === 1 ? 'pg-ok' : 'pg-bad') : ''}`}
      data-testid="playground-answer"
      data-correct={scores ? String(scores.em === 1) : 'unknown'}
    >
      <div className="field-label">
        Final answer {trace.earlyStop ? `(stopped early at step ${trace.aggregatedAt})` : ''}
      </div>
      <div className="pg-answer-text" data-testid="playground-prediction">
        {prediction === '' ? <span className="muted">(no answer after the flag)</span> : prediction}
      </div>
      <div className="muted pg-small">
        as scored: the text after “{ANSWER_FLAGS[trace.loop]}” to the end of its line
      </div>
      {scores && (
        <div className="muted pg-small">
          gold: {gold.join(' / ')} · <span data-testid="answer-em">EM {pct(scores.em, 0)}</span> ·{' '}
          <span data-testid="answer-f1">F1 {pct(scores.f1, 0)}</span> ·{' '}
          <span data-testid="answer-acc">Acc {pct(scores.acc, 0)}</span>
        </div>
      )}
      {answering && (
        <details className="pg-raw">
          <summary>whole output of the answering step (step {answering.step})</summary>
          <pre className="mono-wrap" data-testid="playground-raw-output">
            {answering.output}
          </pre>
        </details>
      )}
    </div>
  );
}

/** What the student is and how it was trained, with what it answers when the build measured it. */
function TrainingNote({ student }: { student: LoadedStudentInfo }) {
  const { optimizerSteps, trainSeconds, finalLoss, device } = student.training;
  const { heldOut } = student;
  const chat = student.promptFormat === 'chat';
  if (optimizerSteps === undefined && !heldOut && !student.description && !chat) return null;
  return (
    <div className="muted pg-small pg-training" data-testid="training-note">
      {student.description ?? `A ${paramCount(student.params)}-parameter student`}
      {heldOut && (
        <>
          ; answers{' '}
          <span data-testid="held-out-em">
            {`${pct(heldOut.em, 1)}% of held-out multi-hop questions (${heldOut.correct} of ${heldOut.questions})`}
          </span>{' '}
          through this loop in onnxruntime-node ({heldOut.variant})
        </>
      )}
      .
      {chat && (
        <span data-testid="chat-format">
          {' '}
          Each step's prompt reaches it as a user turn in its own chat template (shown below without it).
        </span>
      )}
      {optimizerSteps !== undefined && (
        <>
          {' '}
          Trained {optimizerSteps} optimizer steps on {device ?? '?'}
          {trainSeconds !== null && trainSeconds !== undefined ? ` in ${trainSeconds} s` : ''}, final loss{' '}
          {finalLoss ?? '—'}.
        </>
      )}
    </div>
  );
}

/** 748672 → 0.75M, 494032768 → 494M, 1.5e9 → 1.5B. */
export function paramCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e5) return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 0)}M`;
  return `${Math.round(n / 1e3)}K`;
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="pg-stat" data-testid={testId}>
      <div className="pg-stat-value">{value}</div>
      <div className="pg-stat-label">{label}</div>
    </div>
  );
}

function StepItem({ step, prompt }: { step: StepState; prompt: string | undefined }) {
  const st = step.stats;
  return (
    <li
      className="pg-step"
      data-testid="playground-step"
      data-step={step.step}
      data-stage={step.stage ?? ''}
      // Raw figures for the browser bench (bench/browser), which reads them off the page.
      data-prompt-tokens={st?.promptTokens}
      data-new-tokens={st?.completionTokens}
      data-first-token-ms={st?.firstTokenMs}
      data-total-ms={st?.totalMs}
      data-stop={st ? JSON.stringify(st.stop) : undefined}
      data-max-tokens={st?.maxTokens}
    >
      <div className="pg-step-head">
        <span className="step-num">Step {step.step}</span>
        {step.stage && <span className={`stage stage-${step.stage}`}>{step.stage}</span>}
        <span className="muted pg-small">
          {step.retrievalMs !== null && `BM25 ${ms(step.retrievalMs)}`}
          {st &&
            ` · ${st.promptTokens} prompt + ${st.completionTokens} new tokens · first token ${ms(st.firstTokenMs)} · ${num(st.decodeTokensPerSec, 1)} tok/s · ${ms(st.totalMs)}`}
        </span>
      </div>
      {step.query !== null && (
        <div className="pg-query">
          <span className="field-label">Query</span> <span data-testid="step-query">{step.query}</span>
        </div>
      )}
      {step.passages.length > 0 && (
        <details className="pg-passages">
          <summary>
            {step.passages.length} passages: {step.passages.map((p) => p.title).join(' · ')}
          </summary>
          <ul>
            {step.passages.map((p) => (
              <li key={p.id}>
                <strong>{p.title}</strong> <span className="muted">BM25 {num(p.score, 2)}</span>
                <div>{p.text}</div>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className={`pg-generation${st ? '' : ' pg-streaming'}`} data-testid="step-output">
        {step.text || (st ? <span className="muted">(empty generation)</span> : '…')}
      </div>
      {st && (
        <details className="pg-tokens">
          <summary>token ids and prompt</summary>
          <div className="mono-wrap" data-testid="step-token-ids">
            {st.ids.join(' ')}
          </div>
          {prompt !== undefined && (
            <pre className="mono-wrap pg-prompt" data-testid="step-prompt">
              {prompt}
            </pre>
          )}
        </details>
      )}
    </li>
  );
}
