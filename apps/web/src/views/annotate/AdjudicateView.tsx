import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { useShortcuts } from '../../lib/shortcuts';
import { DisputeCard, type DisputeMode, takeVerdict } from './DisputeCard';
import type { Dispute } from './reviewTypes';
import { useAdjudication } from './useAdjudication';

type Show = 'open' | 'resolved' | 'all';
const VIEW: DisputeMode = { kind: 'view' };
const SHOWS: { id: Show; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
];

/**
 * The steps annotators disagree on, one at a time: each annotator's verdict side by side, and the
 * adjudicator's resolution, which the export prefers over every verdict.
 */
export function AdjudicateView({
  datasetId,
  questionSetId,
  adjudicator,
  disputes,
}: {
  datasetId: string;
  questionSetId: string | undefined;
  adjudicator: string;
  disputes: UseQueryResult<Dispute[], unknown>;
}) {
  return (
    <QueryState query={disputes} what="disagreements">
      {(all) =>
        all.length === 0 ? (
          <section className="panel" data-testid="no-disputes">
            <Empty title="No disagreements">
              Every step two or more annotators judged got the same verdict. When they differ — one accepts,
              another rejects, or two write different edits — the step shows up here to resolve. Hand the same
              questions to two annotators in the Assign tab to measure their agreement.
            </Empty>
          </section>
        ) : (
          <DisputeQueue
            datasetId={datasetId}
            questionSetId={questionSetId}
            adjudicator={adjudicator}
            all={all}
          />
        )
      }
    </QueryState>
  );
}

function DisputeQueue({
  datasetId,
  questionSetId,
  adjudicator,
  all,
}: {
  datasetId: string;
  questionSetId: string | undefined;
  adjudicator: string;
  all: Dispute[];
}) {
  const [params, setParams] = useSearchParams();
  const show = (SHOWS.find((s) => s.id === params.get('show'))?.id ?? 'open') as Show;
  const selectedId = params.get('example');
  const [mode, setMode] = useState<DisputeMode>(VIEW);
  const listRef = useRef<HTMLUListElement>(null);

  const counts = { open: all.filter((d) => !d.adjudication).length, resolved: 0, all: all.length };
  counts.resolved = counts.all - counts.open;
  const shown = useMemo(
    () =>
      all.filter((d) =>
        show === 'open' ? !d.adjudication : show === 'resolved' ? Boolean(d.adjudication) : true,
      ),
    [all, show],
  );
  // The selected step stays on screen even when the filter no longer lists it (just resolved).
  const current = all.find((d) => d.exampleId === selectedId) ?? shown[0];
  const select = (exampleId: string, replace = false) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set('example', exampleId);
        return next;
      },
      { replace },
    );
    setMode(VIEW);
  };
  // Open the first listed step when none is chosen.
  const firstShown = shown[0]?.exampleId;
  useEffect(() => {
    if (!selectedId && firstShown)
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.set('example', firstShown);
          return next;
        },
        { replace: true },
      );
  }, [selectedId, firstShown, setParams]);
  useEffect(() => {
    listRef.current
      ?.querySelector(`[data-example-id="${CSS.escape(current?.exampleId ?? '')}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [current?.exampleId]);

  /** The next open step after `exampleId`, in dataset order, wrapping around. */
  const nextOpen = (exampleId: string) => {
    const i = all.findIndex((d) => d.exampleId === exampleId);
    const after = [...all.slice(i + 1), ...all.slice(0, Math.max(0, i))];
    return after.find((d) => !d.adjudication)?.exampleId;
  };
  const adj = useAdjudication(datasetId, adjudicator, (exampleId) => {
    setMode(VIEW);
    const next = nextOpen(exampleId);
    if (next) select(next);
  });
  const canAct = Boolean(adjudicator) && !adj.pending;

  const move = (delta: number) => {
    const i = current ? shown.findIndex((d) => d.exampleId === current.exampleId) : -1;
    const next = shown[i === -1 ? 0 : i + delta];
    if (next) select(next.exampleId);
  };
  const act = (fn: (d: Dispute) => void) => () => {
    if (current && canAct && mode.kind === 'view') fn(current);
  };
  const digit = (i: number) =>
    act((d) => {
      const r = takeVerdict(d, i);
      if (!r) return;
      if ('kind' in r) setMode(r);
      else adj.resolve(d, r);
    });
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    a: act((d) => adj.resolve(d, { status: 'accepted' })),
    r: act(() => setMode({ kind: 'reject' })),
    e: act(() => setMode({ kind: 'edit' })),
    u: act((d) => adj.reopen(d)),
    esc: () => setMode(VIEW),
    ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(i + 1), digit(i)])),
  });

  return (
    <div className="split">
      <section className="panel list-panel" id="dispute-list">
        <div className="filters">
          <div className="segmented" role="tablist" aria-label="Which disagreements">
            {SHOWS.map((s) => (
              <button
                key={s.id}
                type="button"
                role="tab"
                id={`disputes-${s.id}`}
                aria-selected={s.id === show}
                className={s.id === show ? 'on' : undefined}
                onClick={() =>
                  setParams((prev) => {
                    const next = new URLSearchParams(prev);
                    next.set('show', s.id);
                    return next;
                  })
                }
              >
                {s.label} <span className="tab-count">{counts[s.id]}</span>
              </button>
            ))}
          </div>
        </div>
        {shown.length === 0 ? (
          show === 'open' ? (
            <Empty title="No open disagreements">
              {counts.resolved === 1 ? 'The one disagreement is' : `All ${counts.resolved} are`} resolved; the
              export uses the resolutions. See them under Resolved.
            </Empty>
          ) : (
            <Empty title="Nothing resolved yet">Resolutions appear here once recorded.</Empty>
          )
        ) : (
          <ul className="q-list" ref={listRef} data-testid="dispute-items">
            {shown.map((d) => (
              <li key={d.exampleId}>
                <button
                  type="button"
                  className={`q-item${d.exampleId === current?.exampleId ? ' selected' : ''}`}
                  data-testid="dispute-item"
                  data-example-id={d.exampleId}
                  onClick={() => select(d.exampleId)}
                >
                  <div className="q-meta dispute-item-head">
                    <span className={`stage stage-${d.stage}`}>{d.stage}</span>
                    <span>step {d.step}</span>
                    <span className="mono">{d.exampleId}</span>
                  </div>
                  <div className="q-meta">
                    {d.verdicts.map((v) => (
                      <span key={v.annotator}>
                        {v.annotator} <StatusBadge status={v.status} />
                      </span>
                    ))}
                    {d.adjudication && (
                      <span className="resolved-mark">
                        → <StatusBadge status={d.adjudication.status} /> by {d.adjudication.adjudicator}
                      </span>
                    )}
                  </div>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="pager">
          <span>
            {counts.open} open · {counts.resolved} resolved
          </span>
          <span>
            <kbd>j</kbd>/<kbd>k</kbd> to move
          </span>
        </div>
      </section>
      <div>
        {current ? (
          <DisputeCard
            key={current.exampleId}
            datasetId={datasetId}
            dispute={current}
            questionSetId={questionSetId}
            mode={mode}
            canAct={canAct}
            conflict={adj.conflicts[current.exampleId]}
            error={adj.errors[current.exampleId]}
            onMode={setMode}
            onResolve={(r) => adj.resolve(current, r)}
            onReopen={() => adj.reopen(current)}
            onReload={() => adj.reload(current.exampleId)}
          />
        ) : (
          <Empty title="Pick a disagreement">Its verdicts open here side by side.</Empty>
        )}
        {!adjudicator && (
          <div className="conflict" style={{ margin: 0 }}>
            Enter your name above to resolve: every resolution is recorded with who made it.
          </div>
        )}
      </div>
    </div>
  );
}
