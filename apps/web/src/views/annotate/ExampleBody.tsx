import type { StepExample } from '@steper/core';
import type { ReactNode } from 'react';

/** A target with its known prefix (R≤s−1, given to the student at this step) set apart. */
export function KnownTarget({ known, text }: { known: string; text: string }) {
  const shown = known && text.startsWith(known) ? known : '';
  return (
    <>
      {shown && (
        <span className="known" title="already known at this step (R≤s−1)">
          {shown}
        </span>
      )}
      {text.slice(shown.length)}
    </>
  );
}

/** The read-only prompt (q, P≤s) beside a target, as annotators and adjudicators see a step. */
export function ExampleBody({
  example,
  targetLabel,
  target,
  known,
  edited = false,
  testIds,
}: {
  example: StepExample;
  /** Words before the target's shape (R≤s or R<t ‖ answer). */
  targetLabel: ReactNode;
  target: string;
  known: string;
  /** The shown target is the annotator's own edit. */
  edited?: boolean;
  testIds: { prompt: string; target: string };
}) {
  return (
    <div className="example-body">
      <div>
        <div className="field-label">Prompt (q, P≤{example.step}) — read-only</div>
        <pre className="text-block" data-testid={testIds.prompt}>
          {example.prompt}
        </pre>
      </div>
      <div>
        <div className="field-label">
          {targetLabel} {example.stage === 'agg' ? 'R<t ‖ answer' : `R≤${example.step}`}
          {edited && ' (edited)'}
        </div>
        <pre className="text-block target" data-testid={testIds.target}>
          <KnownTarget known={known} text={target} />
        </pre>
      </div>
    </div>
  );
}
