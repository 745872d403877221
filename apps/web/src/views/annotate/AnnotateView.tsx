import type { StepExample } from '@steper/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { ProgressBar } from '../../components/ProgressBar';
import { Empty, QueryState } from '../../components/States';
import { useShortcuts } from '../../lib/shortcuts';
import { useUi } from '../../state/ui';
import { AdjudicateView } from './AdjudicateView';
import { AgreementPanel } from './AgreementPanel';
import { AnnotQuestionList } from './AnnotQuestionList';
import { AssignView } from './AssignView';
import { ExampleCard, type Mode } from './ExampleCard';
import type { AnnotView } from './reviewTypes';
import { useAnnotations } from './useAnnotations';
import './annotate.css';

/**
 * Step-data annotation: question by question, accept / reject (with a reason) / edit each example;
 * questions handed out to annotators; the steps they disagree on adjudicated.
 */
export default function AnnotateView() {
  const { datasetId, questionId } = useParams();
  const navigate = useNavigate();
  const datasets = useQuery(trpc.stepData.list.queryOptions({}));
  useEffect(() => {
    if (!datasetId && datasets.data?.[0]) navigate(`/annotate/${datasets.data[0].id}`, { replace: true });
  }, [datasetId, datasets.data, navigate]);

  return (
    <div className="view view-annotate">
      <QueryState query={datasets} what="step datasets">
        {(list) =>
          list.length === 0 ? (
            <>
              <ViewHeader title="Annotation" />
              <Empty title="No step-wise dataset yet">
                A finished teacher run builds one; it appears here to annotate.
              </Empty>
            </>
          ) : datasetId ? (
            <DatasetAnnotation
              key={datasetId}
              datasetId={datasetId}
              questionId={questionId}
              datasets={list}
            />
          ) : null
        }
      </QueryState>
    </div>
  );
}

const VIEWS: { id: AnnotView; label: string }[] = [
  { id: 'annotate', label: 'Annotate' },
  { id: 'assign', label: 'Assign' },
  { id: 'adjudicate', label: 'Adjudicate' },
];

function Shortcuts({ view }: { view: AnnotView }) {
  if (view === 'assign') return null;
  const keys: [string, string][] =
    view === 'annotate'
      ? [
          ['j/k', 'next / previous step'],
          ['n/p', 'next / previous question'],
          ['a', 'accept'],
          ['r', 'reject'],
          ['e', 'edit'],
          ['u', 'clear'],
        ]
      : [
          ['j/k', 'next / previous disagreement'],
          ['1–9', "take that annotator's verdict"],
          ['a', 'keep the teacher’s target'],
          ['r', 'reject'],
          ['e', 'write a resolution'],
          ['u', 'reopen'],
        ];
  return (
    <span className="shortcuts">
      {keys.map(([k, what]) => (
        <span key={k}>
          {k.split('/').map((part, i) => (
            <span key={part}>
              {i > 0 && '/'}
              <kbd>{part}</kbd>
            </span>
          ))}{' '}
          {what}
        </span>
      ))}
    </span>
  );
}

function DatasetAnnotation({
  datasetId,
  questionId,
  datasets,
}: {
  datasetId: string;
  questionId: string | undefined;
  datasets: { id: string; name: string }[];
}) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'annotate') as AnnotView;
  const page = Number(params.get('page') ?? 0);
  const { annotator, setAnnotator } = useUi();
  const mineOnly = params.get('mine') === '1' && Boolean(annotator);
  const [nameDraft, setNameDraft] = useState(annotator);
  const dataset = useQuery(trpc.stepData.get.queryOptions({ id: datasetId }));
  const run = useQuery({
    ...trpc.teacherRuns.get.queryOptions({ id: dataset.data?.teacherRunId ?? '' }),
    enabled: Boolean(dataset.data),
  });
  const questionPage = useQuery(
    trpc.stepData.questions.queryOptions({
      id: datasetId,
      offset: page * 50,
      limit: 50,
      ...(mineOnly ? { assignedTo: annotator } : {}),
    }),
  );
  const disputes = useQuery(trpc.annotations.disputes.queryOptions({ datasetId, state: 'all' }));
  const openDisputes = disputes.data?.filter((d) => !d.adjudication).length ?? 0;
  const ann = useAnnotations(datasetId, annotator);

  const search = (extra: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const s = next.toString();
    return s ? `?${s}` : '';
  };
  const questionUrl = (qid: string) => `/annotate/${datasetId}/${encodeURIComponent(qid)}${search({})}`;

  // Open the first question when none is chosen.
  const first = questionPage.data?.items[0]?.questionId;
  useEffect(() => {
    if (view !== 'annotate' || questionId || !first) return;
    const query = params.toString();
    navigate(`/annotate/${datasetId}/${encodeURIComponent(first)}${query ? `?${query}` : ''}`, {
      replace: true,
    });
  }, [view, questionId, first, datasetId, navigate, params]);

  const doneByQuestion = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of ann.mine.data ?? []) m.set(a.questionId, (m.get(a.questionId) ?? 0) + 1);
    return m;
  }, [ann.mine.data]);
  const counts = dataset.data?.manifest.counts.examples;
  const totalExamples = counts ? counts.init + counts.exp + counts.agg : 0;
  const doneMine = ann.mine.data?.length ?? 0;

  const order = questionPage.data?.items.map((q) => q.questionId) ?? [];
  const goQuestion = (delta: number) => {
    const i = questionId ? order.indexOf(questionId) : -1;
    const next = order[i + delta];
    if (next) navigate(questionUrl(next));
    else if (delta > 0 && questionPage.data && (page + 1) * 50 < questionPage.data.total)
      navigate(`/annotate/${datasetId}${search({ page: String(page + 1) })}`);
  };

  return (
    <>
      <ViewHeader
        title="Annotation"
        sub={<Shortcuts view={view} />}
        actions={
          <>
            <div className="segmented" role="tablist" aria-label="Annotation task">
              {VIEWS.map((v) => (
                <button
                  key={v.id}
                  type="button"
                  role="tab"
                  id={`annot-tab-${v.id}`}
                  aria-selected={v.id === view}
                  className={v.id === view ? 'on' : undefined}
                  onClick={() => setParams(v.id === 'annotate' ? {} : { view: v.id })}
                >
                  {v.label}
                  {v.id === 'adjudicate' && openDisputes > 0 && (
                    <span className="tab-count" data-testid="open-disputes">
                      {openDisputes}
                    </span>
                  )}
                </button>
              ))}
            </div>
            <select
              id="annot-dataset"
              value={datasetId}
              onChange={(e) =>
                navigate(`/annotate/${e.target.value}${search({ page: null, example: null })}`)
              }
            >
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </>
        }
      />
      <section className="panel">
        <div className="panel-body annot-top">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setAnnotator(nameDraft);
            }}
            style={{ display: 'flex', gap: 6, alignItems: 'center' }}
          >
            <label htmlFor="annotator-name" className="muted" style={{ fontSize: 12 }}>
              {view === 'adjudicate' ? 'Adjudicator' : 'Annotator'}
            </label>
            <input
              id="annotator-name"
              type="text"
              value={nameDraft}
              placeholder="your name"
              onChange={(e) => setNameDraft(e.target.value)}
            />
            <button
              type="submit"
              id="annotator-set"
              className="btn btn-small"
              disabled={!nameDraft.trim() || nameDraft.trim() === annotator}
            >
              {annotator ? 'Switch' : 'Start'}
            </button>
          </form>
          <div className="annot-progress" data-testid="annot-progress">
            <span className="muted" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
              {annotator ? `${annotator}’s progress` : 'Progress'}
            </span>
            <ProgressBar
              progress={{
                done: doneMine,
                total: totalExamples || null,
                rate: null,
                etaSeconds: null,
                message: null,
              }}
              status={doneMine >= totalExamples && totalExamples > 0 ? 'done' : 'running'}
            />
          </div>
          {dataset.data && (
            <span className="muted" style={{ fontSize: 12 }}>
              all annotators: {dataset.data.annotations.accepted} accepted ·{' '}
              {dataset.data.annotations.rejected} rejected · {dataset.data.annotations.edited} edited
            </span>
          )}
        </div>
        {!annotator && (
          <div className="conflict">
            {view === 'adjudicate'
              ? 'Enter your name to adjudicate: every resolution is recorded with who made it.'
              : 'Enter your name to annotate: every verdict is recorded with who gave it.'}
          </div>
        )}
      </section>
      {view === 'assign' ? (
        <AssignView datasetId={datasetId} me={annotator} />
      ) : view === 'adjudicate' ? (
        <AdjudicateView
          datasetId={datasetId}
          questionSetId={run.data?.questionSetId}
          adjudicator={annotator}
          disputes={disputes}
        />
      ) : (
        <div className="split">
          <AnnotQuestionList
            questions={questionPage}
            page={page}
            onPage={(p) => navigate(`/annotate/${datasetId}${search({ page: String(p) })}`)}
            selected={questionId}
            onSelect={(qid) => navigate(questionUrl(qid))}
            doneByQuestion={doneByQuestion}
            me={annotator}
            mineOnly={mineOnly}
            onMineOnly={(on) =>
              navigate(`/annotate/${datasetId}${search({ mine: on ? '1' : null, page: null })}`)
            }
            datasetId={datasetId}
          />
          <div>
            {questionId ? (
              <QuestionExamples
                key={questionId}
                datasetId={datasetId}
                questionId={questionId}
                questionSetId={run.data?.questionSetId}
                ann={ann}
                annotator={annotator}
                onQuestion={goQuestion}
              />
            ) : (
              <Empty title="Pick a question">Its step-wise examples open here.</Empty>
            )}
            <AgreementPanel datasetId={datasetId} disputes={disputes} />
          </div>
        </div>
      )}
    </>
  );
}

function QuestionExamples({
  datasetId,
  questionId,
  questionSetId,
  ann,
  annotator,
  onQuestion,
}: {
  datasetId: string;
  questionId: string;
  questionSetId: string | undefined;
  ann: ReturnType<typeof useAnnotations>;
  annotator: string;
  onQuestion: (delta: number) => void;
}) {
  const examples = useQuery(trpc.stepData.examples.queryOptions({ id: datasetId, questionId, limit: 100 }));
  const question = useQuery({
    ...trpc.questionSets.question.queryOptions({ id: questionSetId ?? '', questionId }),
    enabled: Boolean(questionSetId),
  });
  const everyone = useQuery(trpc.annotations.list.queryOptions({ datasetId, questionId }));
  const resolutions = useQuery(trpc.annotations.adjudications.queryOptions({ datasetId, questionId }));
  const [focus, setFocus] = useState(0);
  const [mode, setMode] = useState<{ id: string; mode: Mode } | null>(null);
  const refs = useRef(new Map<number, HTMLElement>());
  const items: StepExample[] = examples.data?.items ?? [];
  const current = items[focus];
  const canAnnotate = Boolean(annotator) && !ann.pending;

  // Only a key brings the focused step into view. A click focuses its step on mouse-down:
  // scrolling then moves the button away before mouse-up, and the click is lost.
  const scrollToFocus = useRef(false);
  const moveFocus = (i: number) => {
    scrollToFocus.current = true;
    setFocus(i);
  };
  useEffect(() => {
    if (!scrollToFocus.current) return;
    scrollToFocus.current = false;
    refs.current.get(focus)?.scrollIntoView({ block: 'nearest' });
  }, [focus]);

  const act = (fn: (e: StepExample) => void) => () => {
    if (current && annotator && !mode) fn(current);
  };
  useShortcuts({
    j: () => (focus < items.length - 1 ? moveFocus(focus + 1) : onQuestion(1)),
    k: () => (focus > 0 ? moveFocus(focus - 1) : onQuestion(-1)),
    n: () => onQuestion(1),
    p: () => onQuestion(-1),
    a: act((e) => {
      ann.annotate(e.id, { status: 'accepted' });
      if (focus < items.length - 1) moveFocus(focus + 1);
    }),
    r: act((e) => setMode({ id: e.id, mode: 'reject' })),
    e: act((e) => setMode({ id: e.id, mode: 'edit' })),
    u: act((e) => ann.clear(e.id)),
    esc: () => setMode(null),
  });

  return (
    <QueryState query={examples} what="step examples">
      {() => (
        <div data-testid="question-examples">
          <section className="panel question-card">
            <div className="question-text" data-testid="annot-question-text">
              {question.data?.question ?? questionId}
            </div>
            {question.data && (
              <div className="question-meta">
                <span>
                  <span className="muted">gold</span> {question.data.answers.join(' · ')}
                </span>
                {question.data.type && (
                  <span>
                    <span className="muted">type</span> {question.data.type}
                  </span>
                )}
                <span className="mono muted">{questionId}</span>
              </div>
            )}
          </section>
          {items.map((ex, i) => (
            <ExampleCard
              key={ex.id}
              ref={(el) => {
                if (el) refs.current.set(i, el);
                else refs.current.delete(i);
              }}
              example={ex}
              mine={ann.byExample.get(ex.id)}
              others={(everyone.data ?? []).filter((a) => a.exampleId === ex.id && a.annotator !== annotator)}
              adjudication={resolutions.data?.find((r) => r.exampleId === ex.id)}
              focused={i === focus}
              mode={mode?.id === ex.id ? mode.mode : 'view'}
              conflict={ann.conflicts[ex.id]}
              error={ann.errors[ex.id]}
              canAnnotate={canAnnotate}
              onFocus={() => setFocus(i)}
              onMode={(m) => setMode(m === 'view' ? null : { id: ex.id, mode: m })}
              onVerdict={(v) => {
                ann.annotate(ex.id, v);
                setMode(null);
              }}
              onClear={() => ann.clear(ex.id)}
              onReload={() => ann.reload(ex.id)}
            />
          ))}
        </div>
      )}
    </QueryState>
  );
}
