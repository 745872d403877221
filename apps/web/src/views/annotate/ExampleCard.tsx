import type { StepExample } from '@steper/core';
import { forwardRef, useEffect, useRef, useState } from 'react';
import type { Annotation } from '../../api/types';
import { LazyEditor } from '../../components/LazyEditor';
import { StatusBadge } from '../../components/StatusBadge';
import { ExampleBody } from './ExampleBody';
import type { Adjudication } from './reviewTypes';
import type { Verdict } from './useAnnotations';

export type Mode = 'view' | 'reject' | 'edit';

const QUICK_REASONS = [
  'states a fact not in the passages',
  'wrong bridge entity',
  'does not advance the question',
  'answer format',
];

/**
 * One step-wise example: the prompt (read-only) beside the target the student learns, with the
 * annotator's verdict. Texts are shown as text: a passage with markup shows its markup.
 */
export const ExampleCard = forwardRef<
  HTMLElement,
  {
    example: StepExample;
    mine: Annotation | undefined;
    others: Annotation[];
    /** The adjudicator's resolution, which the export prefers over every annotator's verdict. */
    adjudication?: Adjudication;
    focused: boolean;
    mode: Mode;
    conflict?: string;
    error?: string;
    canAnnotate: boolean;
    onFocus: () => void;
    onMode: (mode: Mode) => void;
    onVerdict: (v: Verdict) => void;
    onClear: () => void;
    onReload: () => void;
  }
>(function ExampleCard(props, ref) {
  const { example, mine, others, adjudication, focused, mode, conflict, error, canAnnotate } = props;
  const shownTarget = mine?.status === 'edited' && mine.editedTarget ? mine.editedTarget : example.target;
  const known = mine?.status === 'edited' ? '' : example.knownPrefix;
  return (
    <article
      ref={ref}
      className={`example${focused ? ' focused' : ''}`}
      data-testid="example"
      data-example-id={example.id}
      data-status={mine?.status ?? 'none'}
      onMouseDown={props.onFocus}
    >
      <header className="example-head">
        <span className={`stage stage-${example.stage}`}>{example.stage}</span>
        <span className="step-num">step {example.step}</span>
        <span className="mono muted">{example.id}</span>
        {mine && <StatusBadge status={mine.status} />}
        {mine && (
          <span className="muted" style={{ fontSize: 11.5 }}>
            v{mine.version}
          </span>
        )}
        <span className="example-actions">
          <button
            type="button"
            className="btn btn-small btn-ok"
            disabled={!canAnnotate}
            onClick={() => props.onVerdict({ status: 'accepted' })}
            title="Accept (a)"
          >
            Accept <kbd>a</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small btn-bad"
            disabled={!canAnnotate}
            onClick={() => props.onMode('reject')}
            title="Reject with a reason (r)"
          >
            Reject <kbd>r</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!canAnnotate}
            onClick={() => props.onMode('edit')}
            title="Edit the target (e)"
          >
            Edit <kbd>e</kbd>
          </button>
          {mine && (
            <button
              type="button"
              className="btn btn-small"
              disabled={!canAnnotate}
              onClick={props.onClear}
              title="Clear my verdict (u)"
            >
              Clear <kbd>u</kbd>
            </button>
          )}
        </span>
      </header>
      {conflict && (
        <div className="conflict" role="alert" data-testid="conflict">
          <span>
            <strong>Changed elsewhere.</strong> {conflict}
          </span>
          <button type="button" className="btn btn-small" onClick={props.onReload}>
            Reload it
          </button>
        </div>
      )}
      {error && (
        <div className="conflict" role="alert">
          {error}
        </div>
      )}
      {mode === 'edit' ? (
        <EditPanel
          example={example}
          initial={shownTarget}
          onCancel={() => props.onMode('view')}
          onSave={(t) => props.onVerdict({ status: 'edited', editedTarget: t })}
        />
      ) : (
        <ExampleBody
          example={example}
          targetLabel="Target"
          edited={mine?.status === 'edited'}
          target={shownTarget}
          known={known}
          testIds={{ prompt: 'example-prompt', target: 'example-target' }}
        />
      )}
      {mode === 'reject' && (
        <RejectRow
          initial={mine?.reason ?? ''}
          onCancel={() => props.onMode('view')}
          onSave={(reason) => props.onVerdict({ status: 'rejected', reason })}
        />
      )}
      {(mine?.reason || others.length > 0 || adjudication) && (
        <div className="annot-note">
          {mine?.reason && (
            <span>
              <strong>Reason:</strong> {mine.reason}
            </span>
          )}
          {others.map((o) => (
            <span key={o.annotator}>
              {o.annotator}: <StatusBadge status={o.status} />
            </span>
          ))}
          {adjudication && (
            <span className="adjudicated-note" data-testid="adjudicated-note">
              adjudicated by {adjudication.adjudicator}: <StatusBadge status={adjudication.status} /> — the
              export uses this
            </span>
          )}
        </div>
      )}
    </article>
  );
});

export function RejectRow({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (r: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      className="reject-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onSave(reason.trim());
      }}
    >
      <input
        ref={input}
        id="reject-reason"
        type="text"
        placeholder="Why is this step wrong? (Enter to save, Esc to cancel)"
        value={reason}
        list="reject-reasons"
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      />
      <datalist id="reject-reasons">
        {QUICK_REASONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <button type="submit" className="btn btn-small btn-bad" disabled={!reason.trim()}>
        Reject
      </button>
      <button type="button" className="btn btn-small" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

export function EditPanel({
  example,
  initial,
  onSave,
  onCancel,
  saveLabel = 'Save edit',
  hint = 'The edited target replaces the teacher’s in the export.',
}: {
  example: StepExample;
  initial: string;
  onSave: (t: string) => void;
  onCancel: () => void;
  saveLabel?: string;
  hint?: string;
}) {
  const [text, setText] = useState(initial);
  const save = () => text.trim() && onSave(text);
  return (
    <div className="editor-wrap">
      <div className="editor-grid">
        <div>
          <div className="field-label">Prompt — read-only</div>
          <LazyEditor id="prompt-editor" value={example.prompt} readOnly />
        </div>
        <div>
          <div className="field-label">Target — edit, then Ctrl+Enter to save</div>
          <LazyEditor id="target-editor" value={text} onChange={setText} onSubmit={save} />
        </div>
      </div>
      <div className="form-actions" style={{ marginTop: 8 }}>
        <button
          type="button"
          id="edit-save"
          className="btn btn-primary btn-small"
          disabled={!text.trim() || text === example.target}
          onClick={save}
        >
          {saveLabel}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
        <span className="muted" style={{ fontSize: 12 }}>
          {hint}
        </span>
      </div>
    </div>
  );
}
