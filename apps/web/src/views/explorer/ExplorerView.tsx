import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { Empty, QueryState } from '../../components/States';
import { useShortcuts } from '../../lib/shortcuts';
import { LiveRun } from './LiveRun';
import { type ListFilters, QuestionList } from './QuestionList';
import { TraceView } from './TraceView';

/**
 * Question explorer. URL: /explore/:runId/:questionId?step=N plus the list filters, so a link
 * opens the same question at the same step with the same list.
 */
export default function ExplorerView() {
  const { runId, questionId } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const runs = useQuery(trpc.teacherRuns.list.queryOptions());
  const [live, setLive] = useState(false);

  useEffect(() => {
    if (!runId && runs.data?.[0]) navigate(`/explore/${runs.data[0].id}`, { replace: true });
  }, [runId, runs.data, navigate]);

  const run = runs.data?.find((r) => r.id === runId);
  const filters: ListFilters = {
    search: params.get('q') ?? '',
    kept: (params.get('kept') ?? '') as ListFilters['kept'],
    steps: params.get('steps') ?? '',
    earlyStop: (params.get('early') ?? '') as ListFilters['earlyStop'],
    type: params.get('type') ?? '',
    page: Number(params.get('page') ?? 0),
  };
  const stepParam = params.get('step');
  const step = stepParam ? Number(stepParam) : undefined;

  const setFilters = useCallback(
    (f: Partial<ListFilters>) =>
      setParams(
        (p) => {
          const map: Record<keyof ListFilters, string> = {
            search: 'q',
            kept: 'kept',
            steps: 'steps',
            earlyStop: 'early',
            type: 'type',
            page: 'page',
          };
          for (const [k, v] of Object.entries(f)) {
            const key = map[k as keyof ListFilters];
            if (v === '' || v === 0) p.delete(key);
            else p.set(key, String(v));
          }
          return p;
        },
        { replace: true },
      ),
    [setParams],
  );
  const select = useCallback(
    (qid: string, s?: number) => {
      const p = new URLSearchParams(params);
      if (s === undefined) p.delete('step');
      else p.set('step', String(s));
      const qs = p.toString();
      navigate(`/explore/${runId}/${encodeURIComponent(qid)}${qs ? `?${qs}` : ''}`);
    },
    [navigate, params, runId],
  );
  const setStep = useCallback(
    (s: number) =>
      setParams(
        (p) => {
          p.set('step', String(s));
          return p;
        },
        { replace: true },
      ),
    [setParams],
  );

  const order = useRef<string[]>([]);
  const onOrder = useCallback((ids: string[]) => {
    order.current = ids;
  }, []);
  const trace = useQuery({
    ...trpc.teacherRuns.trace.queryOptions({ id: runId ?? '', questionId: questionId ?? '' }),
    enabled: Boolean(runId && questionId),
  });
  const stepCount = trace.data?.trace.steps.length ?? 0;
  const move = (delta: number) => {
    const ids = order.current;
    if (ids.length === 0) return;
    const i = questionId ? ids.indexOf(questionId) : -1;
    const next = ids[Math.min(ids.length - 1, Math.max(0, i + delta))];
    if (next && next !== questionId) select(next);
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    right: () => stepCount && setStep(Math.min(stepCount, (step ?? 0) + 1)),
    left: () => stepCount && setStep(Math.max(1, (step ?? 2) - 1)),
  });

  return (
    <div className="view view-explorer">
      <ViewHeader
        title="Question explorer"
        sub={
          <span className="shortcuts">
            <span>
              <kbd>j</kbd>/<kbd>k</kbd> next / previous question
            </span>
            <span>
              <kbd>←</kbd>/<kbd>→</kbd> previous / next step
            </span>
          </span>
        }
        actions={
          <>
            <select
              id="explore-run"
              value={runId ?? ''}
              onChange={(e) => navigate(`/explore/${e.target.value}`)}
              disabled={!runs.data?.length}
            >
              {runs.data?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} · {r.loop} · {r.tracesDone} traces
                </option>
              ))}
            </select>
            <button
              type="button"
              id="live-toggle"
              className={`btn${live ? ' on' : ''}`}
              onClick={() => setLive((l) => !l)}
            >
              Live run
            </button>
          </>
        }
      />
      <QueryState query={runs} what="teacher runs">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No teacher run yet">
              Start a teacher run from the Workspace view; its traces show up here.
            </Empty>
          ) : !run ? (
            runId ? (
              <Empty title={`No teacher run ${runId}`}>Pick a run above.</Empty>
            ) : null
          ) : (
            <div className="split">
              <QuestionList
                runId={run.id}
                maxSteps={run.maxSteps}
                filters={filters}
                onFilters={setFilters}
                selected={questionId}
                onSelect={(qid) => select(qid)}
                onOrder={onOrder}
              />
              <div>
                {live && <LiveRun corpusId={run.corpusId} />}
                {questionId ? (
                  <TraceView
                    runId={run.id}
                    questionSetId={run.questionSetId}
                    questionId={questionId}
                    step={step}
                    onStep={setStep}
                  />
                ) : (
                  !live && (
                    <Empty title="Pick a question">
                      Its trace opens here step by step, as in the paper’s Figure 1.
                    </Empty>
                  )
                )}
              </div>
            </div>
          )
        }
      </QueryState>
    </div>
  );
}
