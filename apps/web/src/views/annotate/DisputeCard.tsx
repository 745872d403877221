import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc';
import { QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago } from '../../lib/format';
import { ExampleBody, KnownTarget } from './ExampleBody';
import { EditPanel, RejectRow } from './ExampleCard';
import type { Dispute } from './reviewTypes';
import type { Resolution } from './useAdjudication';

export type DisputeMode =
  | { kind: 'view' }
  | { kind: 'reject'; fromAnnotator?: string; reason?: string }
  | { kind: 'edit'; fromAnnotator?: string; initial?: string };

/** The verdict annotator `i` gave, as a resolution; a rejection without a reason asks for one. */
export function takeVerdict(dispute: Dispute, i: number): Resolution | DisputeMode | null {
  const v = dispute.verdicts[i];
  if (!v) return null;
  if (v.status === 'accepted') return { status: 'accepted', fromAnnotator: v.annotator };
  if (v.status === 'edited' && v.editedTarget)
    return {
      status: 'edited',
      editedTarget: v.editedTarget,
      reason: v.reason ?? undefined,
      fromAnnotator: v.annotator,
    };
  if (v.status === 'rejected' && v.reason?.trim())
    return { status: 'rejected', reason: v.reason, fromAnnotator: v.annotator };
  return { kind: 'reject', fromAnnotator: v.annotator };
}

const FALLBACK: Record<string, string> = {
  rejected: 'leaves it out (someone rejected it)',
  edited: 'uses the latest edit',
  accepted: 'keeps the teacher’s target',
};

/**
 * One step annotators disagree on, side by side: the prompt (read-only) and the teacher's target,
 * each annotator's verdict with their reason or edit, and the resolution. Texts render as text.
 */
export function DisputeCard({
  datasetId,
  dispute,
  questionSetId,
  mode,
  canAct,
  conflict,
  error,
  onMode,
  onResolve,
  onReopen,
  onReload,
}: {
  datasetId: string;
  dispute: Dispute;
  questionSetId: string | undefined;
  mode: DisputeMode;
  canAct: boolean;
  conflict?: string;
  error?: string;
  onMode: (m: DisputeMode) => void;
  onResolve: (r: Resolution) => void;
  onReopen: () => void;
  onReload: () => void;
}) {
  const example = useQuery(
    trpc.stepData.example.queryOptions({ id: datasetId, exampleId: dispute.exampleId }),
  );
  const question = useQuery({
    ...trpc.questionSets.question.queryOptions({ id: questionSetId ?? '', questionId: dispute.questionId }),
    enabled: Boolean(questionSetId),
  });
  const adj = dispute.adjudication;
  const take = (i: number) => {
    const r = takeVerdict(dispute, i);
    if (!r) return;
    if ('kind' in r) onMode(r);
    else onResolve(r);
  };

  return (
    <article
      className="example focused dispute-card"
      data-testid="dispute"
      data-example-id={dispute.exampleId}
      data-resolution={adj?.status ?? 'open'}
    >
      <header className="example-head">
        <span className={`stage stage-${dispute.stage}`}>{dispute.stage}</span>
        <span className="step-num">step {dispute.step}</span>
        <span className="mono muted">{dispute.exampleId}</span>
        {adj ? (
          <span className="badge badge-done">resolved</span>
        ) : (
          <span className="badge badge-queued">open</span>
        )}
        <Link
          className="btn btn-small"
          style={{ marginLeft: 'auto' }}
          to={`/annotate/${datasetId}/${encodeURIComponent(dispute.questionId)}`}
        >
          Open the question
        </Link>
      </header>
      <div className="dispute-question">
        <span className="question-text">{question.data?.question ?? dispute.questionId}</span>
        {question.data && <span className="muted"> · gold {question.data.answers.join(' · ')}</span>}
      </div>
      <QueryState query={example} what="the step example">
        {(ex) => (
          <>
            {mode.kind === 'edit' ? (
              <EditPanel
                key={`${dispute.exampleId}:${mode.fromAnnotator ?? ''}`}
                example={ex}
                initial={mode.initial ?? ex.target}
                saveLabel="Save resolution"
                hint="The resolution replaces every annotator’s verdict in the export."
                onCancel={() => onMode({ kind: 'view' })}
                onSave={(t) =>
                  onResolve({ status: 'edited', editedTarget: t, fromAnnotator: mode.fromAnnotator })
                }
              />
            ) : (
              <ExampleBody
                example={ex}
                targetLabel="Teacher’s target"
                target={ex.target}
                known={ex.knownPrefix}
                testIds={{ prompt: 'dispute-prompt', target: 'dispute-original' }}
              />
            )}
            <div className="verdict-cols" data-testid="verdict-cols">
              {dispute.verdicts.map((v, i) => (
                <section
                  key={v.annotator}
                  className="verdict-col"
                  data-testid="verdict-col"
                  data-annotator={v.annotator}
                >
                  <div className="verdict-col-head">
                    <strong>{v.annotator}</strong>
                    <StatusBadge status={v.status} />
                    <span className="muted" title={v.updatedAt}>
                      v{v.version} · {ago(v.updatedAt)}
                    </span>
                  </div>
                  {v.reason && (
                    <div className="verdict-reason">
                      <span className="muted">Reason:</span> {v.reason}
                    </div>
                  )}
                  {v.status === 'edited' && v.editedTarget !== null ? (
                    <pre className="text-block target" data-testid="verdict-edit">
                      <KnownTarget known={ex.knownPrefix} text={v.editedTarget} />
                    </pre>
                  ) : (
                    <div className="muted verdict-what">
                      {v.status === 'accepted'
                        ? 'Keeps the teacher’s target.'
                        : 'Leaves the step out of training.'}
                    </div>
                  )}
                  <div className="verdict-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={!canAct}
                      onClick={() => take(i)}
                      title={`Resolve as ${v.annotator} judged (${i + 1})`}
                    >
                      Take {v.annotator}’s verdict {i < 9 && <kbd>{i + 1}</kbd>}
                    </button>
                    {v.status === 'edited' && v.editedTarget !== null && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={!canAct}
                        onClick={() =>
                          onMode({ kind: 'edit', fromAnnotator: v.annotator, initial: v.editedTarget ?? '' })
                        }
                      >
                        Start from this edit
                      </button>
                    )}
                  </div>
                </section>
              ))}
            </div>
          </>
        )}
      </QueryState>
      <div className="resolution" data-testid="resolution">
        {adj ? (
          <div className="resolution-current">
            <div>
              <strong>Resolved</strong> <StatusBadge status={adj.status} /> by {adj.adjudicator}
              {adj.fromAnnotator && <> · took {adj.fromAnnotator}’s verdict</>}
              <span className="muted" title={adj.updatedAt}>
                {' '}
                · v{adj.version} · {ago(adj.updatedAt)}
              </span>
            </div>
            {adj.reason && (
              <div className="verdict-reason">
                <span className="muted">Reason:</span> {adj.reason}
              </div>
            )}
            {adj.status === 'edited' && adj.editedTarget !== null && (
              <pre className="text-block target" data-testid="resolution-target">
                {adj.editedTarget}
              </pre>
            )}
          </div>
        ) : (
          <div className="muted resolution-open">
            Open. Until someone resolves it, the export {FALLBACK[dispute.final.status ?? 'accepted']}.
          </div>
        )}
        <div className="resolution-actions">
          <button
            type="button"
            className="btn btn-small btn-ok"
            disabled={!canAct}
            onClick={() => onResolve({ status: 'accepted' })}
            title="Keep the teacher’s target as it is (a)"
          >
            Keep the teacher’s target <kbd>a</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small btn-bad"
            disabled={!canAct}
            onClick={() => onMode({ kind: 'reject' })}
            title="Reject the step with a reason (r)"
          >
            Reject <kbd>r</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!canAct}
            onClick={() => onMode({ kind: 'edit' })}
            title="Write the target yourself (e)"
          >
            Write a resolution <kbd>e</kbd>
          </button>
          {adj && (
            <button
              type="button"
              className="btn btn-small"
              disabled={!canAct}
              onClick={onReopen}
              title="Remove the resolution: the annotators’ verdicts count again (u)"
            >
              Reopen <kbd>u</kbd>
            </button>
          )}
        </div>
        {conflict && (
          <div className="conflict" role="alert" data-testid="conflict">
            <span>
              <strong>Changed elsewhere.</strong> {conflict}
            </span>
            <button type="button" className="btn btn-small" onClick={onReload}>
              Reload it
            </button>
          </div>
        )}
        {error && (
          <div className="conflict" role="alert" data-testid="adjudicate-error">
            {error}
          </div>
        )}
      </div>
      {mode.kind === 'reject' && (
        <RejectRow
          key={mode.fromAnnotator ?? ''}
          initial={mode.reason ?? ''}
          onCancel={() => onMode({ kind: 'view' })}
          onSave={(reason) => onResolve({ status: 'rejected', reason, fromAnnotator: mode.fromAnnotator })}
        />
      )}
    </article>
  );
}
