import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import type { Outcome } from '../../lib/compare';
import { EvalForm } from './EvalForm';
import {
  colorOf,
  evaluationRows,
  evaluationTableRows,
  LatencyChart,
  MetricsTable,
  RetrievalTables,
} from './MetricsTables';
import { ReportsPanel } from './ReportsPanel';
import { SideBySide } from './SideBySide';

/**
 * Comparison: URL /compare?e=id,id&q=questionId&only=split, so a comparison can be linked; the
 * reports of the experiment and the analyses at /compare?tab=reports&report=id.
 */
export default function CompareView() {
  const [params, setParams] = useSearchParams();
  const evals = useQuery(
    trpc.evaluations.list.queryOptions(undefined, {
      // A running evaluation's traces and status come in while the view is open.
      refetchInterval: (q) =>
        q.state.data?.some((e) => e.status === 'queued' || e.status === 'running') ? 2000 : false,
    }),
  );
  const sets = useQuery(trpc.questionSets.list.queryOptions());
  const chosen = (params.get('e') ?? '').split(',').filter(Boolean);
  const update = (k: string, v: string | null) =>
    setParams(
      (p) => {
        if (v) p.set(k, v);
        else p.delete(k);
        return p;
      },
      { replace: true },
    );
  const toggle = (id: string) =>
    update('e', (chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]).join(','));

  const tab = params.get('tab') === 'reports' ? 'reports' : 'evaluations';
  const tabs = (
    <span className="segmented" role="tablist" aria-label="Comparison source">
      {(['evaluations', 'reports'] as const).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          id={`cmp-tab-${t}`}
          aria-selected={tab === t}
          className={tab === t ? 'on' : undefined}
          onClick={() => update('tab', t === 'reports' ? t : null)}
        >
          {t === 'reports' ? 'Reports' : 'Evaluations'}
        </button>
      ))}
    </span>
  );

  if (tab === 'reports') {
    return (
      <div className="view view-compare">
        <ViewHeader
          title="Comparison"
          sub="Reports of the Vanilla-KD vs StepER experiment and the paper's analyses, as their jobs wrote them."
          actions={tabs}
        />
        <ReportsPanel reportId={params.get('report')} onOpen={(id) => update('report', id)} />
      </div>
    );
  }

  return (
    <div className="view view-compare">
      <ViewHeader
        title="Comparison"
        sub="Students evaluated on the same questions: Table 1, Table 7, Table 8, Figure 6, and traces side by side."
        actions={tabs}
      />
      <QueryState query={evals} what="evaluations">
        {(list) => {
          const finished = list.filter((e) => e.metrics);
          const selected = (chosen.length ? chosen : finished.slice(0, 2).map((e) => e.id))
            .map((id) => list.find((e) => e.id === id))
            .filter((e): e is (typeof list)[number] => Boolean(e));
          return (
            <>
              <Section id="eval-picker" title="Evaluations" count={list.length}>
                {list.length === 0 ? (
                  <Empty title="No evaluation yet">
                    Start one below: the same question set for each generator makes them comparable.
                  </Empty>
                ) : (
                  <table className="table">
                    <tbody>
                      {list.map((e) => {
                        const i = selected.findIndex((s) => s.id === e.id);
                        return (
                          <tr key={e.id} className={i >= 0 ? 'selected' : undefined}>
                            <td style={{ width: 28 }}>
                              <input
                                type="checkbox"
                                aria-label={`compare ${e.name}`}
                                data-testid="eval-check"
                                checked={i >= 0}
                                onChange={() => toggle(e.id)}
                              />
                            </td>
                            <td>
                              <span className="cell-title" style={i >= 0 ? { color: colorOf(i) } : undefined}>
                                {e.name}
                              </span>
                              <span className="cell-id">{e.id}</span>
                            </td>
                            <td className="num">{e.tracesDone} traces</td>
                            <td>
                              <StatusBadge status={e.status} />
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                )}
              </Section>
              {selected.length > 0 && (
                <>
                  <MetricsTable rows={evaluationTableRows(selected, sets.data ?? [])} />
                  <RetrievalTables rows={evaluationRows(selected)} />
                  <LatencyChart rows={evaluationRows(selected)} />
                  <h2 style={{ margin: '20px 0 10px' }}>Per question</h2>
                  <SideBySide
                    evals={selected}
                    questionId={params.get('q')}
                    filter={(params.get('only') ?? '') as Outcome | ''}
                    onQuestion={(q) => update('q', q)}
                    onFilter={(f) => update('only', f || null)}
                  />
                </>
              )}
              <div style={{ marginTop: 16 }}>
                <EvalForm />
              </div>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
