import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago, int, pct } from '../../lib/format';

export function CorporaSection() {
  const q = useQuery(trpc.corpora.list.queryOptions());
  return (
    <Section id="corpora" title="Corpora" count={q.data?.length}>
      <QueryState query={q} what="corpora">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No corpus yet">
              Import a JSONL corpus of {'{id, title, text}'} or a dataset file below.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">Passages</th>
                  <th>BM25 index</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <span className="cell-title">{c.name}</span>
                      <span className="cell-id">{c.id}</span>
                    </td>
                    <td className="num">{int(c.passageCount)}</td>
                    <td>
                      {c.indexPath ? (
                        <span className="badge badge-done">built</span>
                      ) : (
                        <span className="badge badge-queued">not built</span>
                      )}
                    </td>
                    <td>{ago(c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}

export function QuestionSetsSection() {
  const q = useQuery(trpc.questionSets.list.queryOptions());
  return (
    <Section id="question-sets" title="Question sets" count={q.data?.length}>
      <QueryState query={q} what="question sets">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No question set yet">Import HotpotQA, 2Wiki, MuSiQue or IRCoT files below.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Dataset</th>
                  <th className="num">Questions</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <span className="cell-title">{s.name}</span>
                      <span className="cell-id">{s.id}</span>
                    </td>
                    <td>{s.dataset}</td>
                    <td className="num">{int(s.questionCount)}</td>
                    <td>{ago(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}

export function TeacherRunsSection() {
  const q = useQuery(trpc.teacherRuns.list.queryOptions());
  return (
    <Section id="teacher-runs" title="Teacher runs" count={q.data?.length}>
      <QueryState query={q} what="teacher runs">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No teacher run yet">Start one below: the evidence teacher needs no model.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Loop</th>
                  <th>Teacher</th>
                  <th className="num">Traces</th>
                  <th className="num">Kept</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="teacher-run-row">
                    <td>
                      <span className="cell-title">{r.name}</span>
                      <span className="cell-id">{r.id}</span>
                    </td>
                    <td>
                      {r.loop}{' '}
                      <span className="muted">
                        S={r.maxSteps} K={r.topK}
                      </span>
                    </td>
                    <td className="cell-wrap">{r.generator}</td>
                    <td className="num">
                      {int(r.tracesDone)} / {int(r.questionTotal)}
                    </td>
                    <td className="num">
                      {int(r.tracesKept)}{' '}
                      <span className="muted">
                        ({pct(r.tracesDone ? r.tracesKept / r.tracesDone : null, 0)}%)
                      </span>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>
                      <Link className="btn btn-small" to={`/explore/${r.id}`}>
                        Explore
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}

export function DatasetsSection() {
  const q = useQuery(trpc.stepData.list.queryOptions({}));
  return (
    <Section id="datasets" title="Step-wise datasets" count={q.data?.length}>
      <QueryState query={q} what="step datasets">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No step data yet">
              A finished teacher run builds its filtered step-wise dataset.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Dataset</th>
                  <th>Filter · steps</th>
                  <th className="num">Kept / traces</th>
                  <th className="num">init · exp · agg</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-testid="dataset-row">
                    <td>
                      <span className="cell-title">{d.name}</span>
                      <span className="cell-id">{d.id}</span>
                    </td>
                    <td>
                      {d.manifest.filterRule} · {d.manifest.stepConfig}
                    </td>
                    <td className="num">
                      {int(d.manifest.counts.kept)} / {int(d.manifest.counts.traces)}
                    </td>
                    <td className="num">
                      {int(d.manifest.counts.examples.init)} · {int(d.manifest.counts.examples.exp)} ·{' '}
                      {int(d.manifest.counts.examples.agg)}
                    </td>
                    <td className="cell-actions">
                      <Link className="btn btn-small" to={`/annotate/${d.id}`}>
                        Annotate
                      </Link>
                      <Link className="btn btn-small" to={`/training?dataset=${d.id}`}>
                        Train
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}

export function TrainingRunsSection() {
  const q = useQuery(trpc.training.list.queryOptions());
  return (
    <Section id="training-runs" title="Training runs" count={q.data?.length}>
      <QueryState query={q} what="training runs">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No training run yet">
              Train Vanilla-KD or StepER students from the Training view.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Objective</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <span className="cell-title">{r.name}</span>
                      <span className="cell-id">{r.id}</span>
                    </td>
                    <td>{String(r.config.objective ?? '—')}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>{ago(r.createdAt)}</td>
                    <td>
                      <Link className="btn btn-small" to={`/training/${r.id}`}>
                        Open
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}

export function EvaluationsSection() {
  const q = useQuery(trpc.evaluations.list.queryOptions());
  return (
    <Section id="evaluations" title="Evaluations" count={q.data?.length}>
      <QueryState query={q} what="evaluations">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No evaluation yet">
              Evaluate generators on held-out questions, then compare them.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Evaluation</th>
                  <th className="num">Questions</th>
                  <th className="num">EM</th>
                  <th className="num">F1</th>
                  <th className="num">Acc</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => {
                  const m = (e.metrics ?? {}) as { em?: number; f1?: number; acc?: number };
                  return (
                    <tr key={e.id}>
                      <td>
                        <span className="cell-title">{e.name}</span>
                        <span className="cell-id">{e.id}</span>
                      </td>
                      <td className="num">{int(e.tracesDone)}</td>
                      <td className="num">{pct(m.em)}</td>
                      <td className="num">{pct(m.f1)}</td>
                      <td className="num">{pct(m.acc)}</td>
                      <td>
                        <StatusBadge status={e.status} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Section>
  );
}
