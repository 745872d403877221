import { forwardRef } from 'react';
import { PassageCard } from '../../components/PassageCard';
import { ms } from '../../lib/format';
import { type StepView, stageLabel } from '../../lib/trace';

/** One step of a trace as the paper's Figure 1 draws it: query → P_s → P_≤s → r_s. */
export const StepCard = forwardRef<HTMLElement, { view: StepView; focused: boolean; showPrompt: boolean }>(
  function StepCard({ view, focused, showPrompt }, ref) {
    const { step, retrieved, accessible } = view;
    const isAgg = step.stage === 'agg';
    return (
      <section
        ref={ref}
        className={`step${focused ? ' focused' : ''}`}
        id={`step-${step.step}`}
        data-testid="trace-step"
        data-step={step.step}
      >
        <header className="step-head">
          <span className="step-num">Step {step.step}</span>
          <span className={`stage stage-${step.stage}`}>{step.stage}</span>
          <span className="muted">{stageLabel(step.stage)}</span>
          <span className="step-timing">
            retrieval {ms(step.retrievalMs)} · generation {ms(step.generationMs)}
          </span>
        </header>
        <div className="step-body">
          <div>
            <div className="query">
              <div className="query-label">Query q{sub(step.step)}</div>
              {step.query === null ? (
                <span className="muted">no retrieval at this step</span>
              ) : (
                <span className="query-text">{step.query}</span>
              )}
            </div>
            {retrieved.length > 0 && (
              <>
                <div className="field-label">
                  Retrieved P{sub(step.step)} ({retrieved.length})
                </div>
                <div className="passages">
                  {retrieved.map((p) => (
                    <PassageCard key={`${p.id}-${p.rank}`} passage={p} />
                  ))}
                </div>
              </>
            )}
          </div>
          <div className="accessible" data-testid="accessible-set">
            <div className="field-label">
              Accessible P≤{step.step} ({accessible.length})
            </div>
            <ol>
              {accessible.map((p) => (
                <li
                  key={p.id}
                  className={p.isNew ? 'new' : undefined}
                  title={p.isNew ? 'new at this step' : 'from an earlier step'}
                >
                  {p.title}
                  {p.isGold && (
                    <span className="gold-dot" title="gold">
                      {' '}
                      ★
                    </span>
                  )}
                </li>
              ))}
            </ol>
          </div>
        </div>
        {(step.sentence || isAgg) && (
          <div className={`reasoning${isAgg ? ' agg' : ''}`} data-testid="reasoning">
            <div className="field-label">{isAgg ? 'Aggregation output' : `Reasoning r${sub(step.step)}`}</div>
            {isAgg ? step.output : step.sentence}
          </div>
        )}
        {step.followUp && (
          <div className="discarded">
            Follow-up: {step.followUp}
            {step.intermediateAnswer ? ` → ${step.intermediateAnswer}` : ''}
          </div>
        )}
        {step.discardedOutput && (
          <div className="discarded">
            Early stop: the expansion output carried the answer flag and was set aside — “
            {step.discardedOutput}”
          </div>
        )}
        {showPrompt && <pre className="prompt-box">{step.prompt}</pre>}
      </section>
    );
  },
);

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
function sub(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUBSCRIPTS[Number(d)])
    .join('');
}
