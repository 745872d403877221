import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago } from '../../lib/format';
import { RunDashboard } from './RunDashboard';
import { RunForm } from './RunForm';

/** Training: past and running runs on the left, a run's live dashboard or a new run's form on the right. */
export default function TrainingView() {
  const { runId } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const runs = useQuery({
    ...trpc.training.list.queryOptions(),
    refetchInterval: (q) =>
      q.state.data?.some((r) => r.status === 'running' || r.status === 'queued') ? 3000 : false,
  });
  return (
    <div className="view view-training">
      <ViewHeader
        title="Training"
        sub="Vanilla-KD and StepER students: losses per stage, learning rate, throughput, σ per stage (Figure 7), evaluation loss."
        actions={
          <Link to="/training" id="train-new" className="btn btn-primary">
            New run
          </Link>
        }
      />
      <div className="split">
        <section className="panel" id="train-runs">
          <header className="panel-head">
            <h2>Runs</h2>
          </header>
          <QueryState query={runs} what="training runs">
            {(list) =>
              list.length === 0 ? (
                <Empty title="No run yet">Configure one on the right.</Empty>
              ) : (
                <ul className="q-list">
                  {list.map((r) => (
                    <li key={r.id}>
                      <button
                        type="button"
                        className={`q-item${r.id === runId ? ' selected' : ''}`}
                        data-testid="train-run-item"
                        onClick={() => navigate(`/training/${r.id}`)}
                      >
                        <div className="q-text">{r.name}</div>
                        <div className="q-meta">
                          <StatusBadge status={r.status} />
                          <span>{String(r.config.objective ?? '')}</span>
                          <span>{ago(r.createdAt)}</span>
                        </div>
                      </button>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryState>
        </section>
        <div>
          {runId ? (
            <RunDashboard key={runId} runId={runId} />
          ) : (
            <RunForm
              datasetId={params.get('dataset') ?? undefined}
              onStarted={(id) => navigate(`/training/${id}`)}
            />
          )}
        </div>
      </div>
    </div>
  );
}
