import type { TrainerEvent } from '@steper/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';
import { QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago, duration, int, num } from '../../lib/format';
import { addEvent, emptySeries, hasSigma, type RunSeries } from '../../lib/series';
import { useUi } from '../../state/ui';
import { EvalChart, LossChart, LrChart, SigmaChart, ThroughputChart } from './Charts';
import { ConfigDiff } from './ConfigDiff';

/** A training run live: every stored event first, then new ones as the trainer writes them (SSE). */
export function RunDashboard({ runId }: { runId: string }) {
  const queryClient = useQueryClient();
  const run = useQuery({
    ...trpc.training.get.queryOptions({ id: runId }),
    refetchInterval: (q) =>
      q.state.data && ['running', 'queued'].includes(q.state.data.status) ? 3000 : false,
  });
  const [series, setSeries] = useState<RunSeries>(emptySeries);
  const sub = useSubscription(
    trpc.training.watch.subscriptionOptions(
      { id: runId },
      {
        onData: (tracked) => {
          const e = tracked.data as TrainerEvent;
          setSeries((s) => addEvent(s, e));
          if (e.event === 'done' || e.event === 'error')
            void queryClient.invalidateQueries({ queryKey: trpc.training.pathKey() });
        },
      },
    ),
  );
  const { rawSigma, setRawSigma } = useUi();
  const cancel = useMutation(
    trpc.training.cancel.mutationOptions({ onSettled: () => queryClient.invalidateQueries() }),
  );
  const last = series.steps[series.steps.length - 1];
  const total = series.start?.totalSteps ?? null;

  return (
    <QueryState query={run} what="the training run">
      {(r) => (
        <div data-testid="run-dashboard">
          <section className="panel">
            <header className="panel-head">
              <h2>
                {r.name} <span className="mono muted">{r.id}</span>
              </h2>
              <div className="panel-actions">
                <StatusBadge status={r.status} />
                {(r.status === 'running' || r.status === 'queued') && (
                  <button
                    type="button"
                    id="train-cancel"
                    className="btn btn-small"
                    onClick={() => cancel.mutate({ id: runId })}
                  >
                    Cancel
                  </button>
                )}
              </div>
            </header>
            <div className="run-summary" data-testid="run-summary">
              <Stat k="objective" v={String(r.config.objective ?? '—')} />
              <Stat
                k="step"
                v={`${int(last?.step ?? 0)}${total ? ` / ${int(total)}` : ''}`}
                testId="run-step"
              />
              <Stat k="epoch" v={last ? num(last.epoch, 2) : '—'} />
              <Stat k="loss" v={last ? num(last.loss, 4) : '—'} />
              <Stat k="tokens/s" v={last ? int(last.tokensPerSec) : '—'} />
              <Stat k="device" v={series.start?.device ?? '—'} />
              <Stat k="started" v={ago(r.createdAt)} />
              {series.start && last && (
                <Stat k="elapsed" v={duration(Date.now() / 1000 - series.start.time)} />
              )}
            </div>
            {r.error && <div className="conflict mono-wrap">{r.error}</div>}
            {series.errors.map((m) => (
              <div key={m} className="conflict mono-wrap">
                trainer: {m}
              </div>
            ))}
            {sub.error && <div className="conflict">Live events interrupted: {errorMessage(sub.error)}</div>}
            <div className="command">
              <div className="field-label">Command</div>
              <pre className="text-block" data-testid="run-command">
                {r.command.join(' ')}
              </pre>
            </div>
          </section>
          <div className="charts">
            <SigmaChart
              steps={series.steps}
              raw={rawSigma}
              onRaw={setRawSigma}
              available={hasSigma(series) || r.config.objective === 'steper-difficulty'}
            />
            <LossChart steps={series.steps} />
            <EvalChart evals={series.evals} />
            <LrChart steps={series.steps} />
            <ThroughputChart steps={series.steps} />
          </div>
          <Checkpoints series={series} runId={runId} status={r.status} />
          <ConfigDiff runId={runId} config={r.config} />
        </div>
      )}
    </QueryState>
  );
}

function Stat({ k, v, testId }: { k: string; v: string; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <span className="k">{k}</span>
      <span className="v">{v}</span>
    </div>
  );
}

function Checkpoints({ series, runId, status }: { series: RunSeries; runId: string; status: string }) {
  const queryClient = useQueryClient();
  const [epochs, setEpochs] = useState(1);
  // The run goes back to queued, then running: the dashboard polls its status and the open
  // event stream draws the new steps after the old ones.
  const extend = useMutation(
    trpc.training.extend.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.training.pathKey() }),
    }),
  );
  const valid = Number.isInteger(epochs) && epochs >= 1 && epochs <= 100;
  return (
    <Section id="checkpoints" title="Checkpoints" count={series.checkpoints.length}>
      {series.checkpoints.length === 0 ? (
        <div className="state">
          <div className="state-body">
            No checkpoint yet: one is written every checkpoint_every steps and at the end; the model at the
            best eval loss so far is kept in checkpoints/best.
          </div>
        </div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th className="num">Step</th>
              <th>Path</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {series.checkpoints.map((c) => (
              <tr key={c.path}>
                <td className="num">{c.step}</td>
                <td className="mono cell-wrap" style={{ maxWidth: 'none' }}>
                  {c.path}
                </td>
                <td>{c.best && <span className="badge badge-done">best</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status === 'done' && (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) extend.mutate({ id: runId, epochs });
          }}
        >
          <label className="narrow">
            More epochs
            <input
              id="extend-epochs"
              type="number"
              min={1}
              max={100}
              value={epochs}
              onChange={(e) => setEpochs(Number(e.target.value))}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn" id="extend-run" disabled={!valid || extend.isPending}>
              {extend.isPending ? 'Starting…' : 'Extend the run'}
            </button>
            <span className="muted">
              Continues from the last checkpoint with a fresh warm-up and cosine segment.
            </span>
            {extend.error && <span className="error-text">{errorMessage(extend.error)}</span>}
          </div>
        </form>
      )}
      {extend.data && status !== 'done' && (
        <div className="state-body" data-testid="extend-queued">
          Extended by {extend.variables?.epochs} epoch{extend.variables?.epochs === 1 ? '' : 's'}: job{' '}
          <span className="mono">{extend.data.job.id}</span>.
        </div>
      )}
    </Section>
  );
}
