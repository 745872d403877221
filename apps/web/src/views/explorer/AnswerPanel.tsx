import { pct } from '../../lib/format';
import { scoreAnswer } from '../../lib/trace';

/** The final answer against the gold answers, with EM / F1 / Acc. */
export function AnswerPanel({
  prediction,
  answers,
  kept,
}: {
  prediction: string;
  answers: string[];
  kept?: boolean;
}) {
  const s = scoreAnswer(prediction, answers);
  return (
    <section className="panel answer-card" id="answer" data-testid="answer-panel">
      <div>
        <div className="field-label">Final answer</div>
        <div className="answer-value" data-testid="prediction">
          {prediction || <span className="muted">(no answer flag in the output)</span>}
        </div>
      </div>
      <div>
        <div className="field-label">Gold</div>
        <div className="answer-value">{answers[0]}</div>
        {answers.length > 1 && <div className="muted">aliases: {answers.slice(1).join(' · ')}</div>}
        {kept !== undefined && (
          <div style={{ marginTop: 6 }}>
            <span className={`verdict ${kept ? 'verdict-ok' : 'verdict-bad'}`}>
              {kept ? 'kept by the filter' : 'filtered out'}
            </span>
          </div>
        )}
      </div>
      <div className="metrics">
        <Metric label="EM" value={s.em} />
        <Metric label="F1" value={s.f1} />
        <Metric label="Acc" value={s.acc} />
      </div>
    </section>
  );
}

function Metric({ label, value }: { label: string; value: number }) {
  return (
    <div
      className={`metric ${value >= 0.999 ? 'good' : value <= 0.001 ? 'bad' : ''}`}
      data-testid={`metric-${label.toLowerCase()}`}
    >
      <div className="metric-value">{pct(value, 0)}</div>
      <div className="metric-label">{label}</div>
    </div>
  );
}
