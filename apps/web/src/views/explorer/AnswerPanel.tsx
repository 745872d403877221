import { pct } from '../../lib/format';
import { scoreAnswer } from '../../lib/trace';

/** The final answer against the gold answers, with EM / F1 / Acc (none without a gold answer). */
export function AnswerPanel({
  prediction,
  answers,
  kept,
}: {
  prediction: string;
  answers: string[];
  kept?: boolean;
}) {
  const gold = answers.filter((a) => a.trim());
  const s = gold.length ? scoreAnswer(prediction, gold) : null;
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
        <div className="answer-value">{gold[0] ?? <span className="muted">none given</span>}</div>
        {gold.length > 1 && <div className="muted">aliases: {gold.slice(1).join(' · ')}</div>}
        {kept !== undefined && (
          <div style={{ marginTop: 6 }}>
            <span className={`verdict ${kept ? 'verdict-ok' : 'verdict-bad'}`}>
              {kept ? 'kept by the filter' : 'filtered out'}
            </span>
          </div>
        )}
      </div>
      {s && (
        <div className="metrics">
          <Metric label="EM" value={s.em} />
          <Metric label="F1" value={s.f1} />
          <Metric label="Acc" value={s.acc} />
        </div>
      )}
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
