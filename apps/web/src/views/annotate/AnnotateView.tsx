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
import { AgreementPanel } from './AgreementPanel';
import { AnnotQuestionList } from './AnnotQuestionList';
import { ExampleCard, type Mode } from './ExampleCard';
import { useAnnotations } from './useAnnotations';

/** Step-data annotation: question by question, accept / reject (with a reason) / edit each example. */
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
  const page = Number(params.get('page') ?? 0);
  const { annotator, setAnnotator } = useUi();
  const [nameDraft, setNameDraft] = useState(annotator);
  const dataset = useQuery(trpc.stepData.get.queryOptions({ id: datasetId }));
  const run = useQuery({
    ...trpc.teacherRuns.get.queryOptions({ id: dataset.data?.teacherRunId ?? '' }),
    enabled: Boolean(dataset.data),
  });
  const questionPage = useQuery(
    trpc.stepData.questions.queryOptions({ id: datasetId, offset: page * 50, limit: 50 }),
  );
  const ann = useAnnotations(datasetId, annotator);

  // Open the first question when none is chosen.
  useEffect(() => {
    const first = questionPage.data?.items[0]?.questionId;
    if (!questionId && first)
      navigate(`/annotate/${datasetId}/${encodeURIComponent(first)}${page ? `?page=${page}` : ''}`, {
        replace: true,
      });
  }, [questionId, questionPage.data, datasetId, navigate, page]);

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
    if (next) navigate(`/annotate/${datasetId}/${encodeURIComponent(next)}${page ? `?page=${page}` : ''}`);
    else if (delta > 0 && questionPage.data && (page + 1) * 50 < questionPage.data.total)
      setParams({ page: String(page + 1) });
  };

  return (
    <>
      <ViewHeader
        title="Annotation"
        sub={
          <span className="shortcuts">
            <span>
              <kbd>j</kbd>/<kbd>k</kbd> next / previous step
            </span>
            <span>
              <kbd>n</kbd>/<kbd>p</kbd> next / previous question
            </span>
            <span>
              <kbd>a</kbd> accept
            </span>
            <span>
              <kbd>r</kbd> reject
            </span>
            <span>
              <kbd>e</kbd> edit
            </span>
            <span>
              <kbd>u</kbd> clear
            </span>
          </span>
        }
        actions={
          <select
            id="annot-dataset"
            value={datasetId}
            onChange={(e) => navigate(`/annotate/${e.target.value}`)}
          >
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
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
              Annotator
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
            Enter your name to annotate: every verdict is recorded with who gave it.
          </div>
        )}
      </section>
      <div className="split">
        <AnnotQuestionList
          datasetId={datasetId}
          questionSetId={run.data?.questionSetId}
          page={page}
          onPage={(p) => setParams({ page: String(p) })}
          selected={questionId}
          onSelect={(qid) =>
            navigate(`/annotate/${datasetId}/${encodeURIComponent(qid)}${page ? `?page=${page}` : ''}`)
          }
          doneByQuestion={doneByQuestion}
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
          <AgreementPanel datasetId={datasetId} />
        </div>
      </div>
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
  const [focus, setFocus] = useState(0);
  const [mode, setMode] = useState<{ id: string; mode: Mode } | null>(null);
  const refs = useRef(new Map<number, HTMLElement>());
  const items: StepExample[] = examples.data?.items ?? [];
  const current = items[focus];
  const canAnnotate = Boolean(annotator) && !ann.pending;

  useEffect(() => {
    refs.current.get(focus)?.scrollIntoView({ block: 'nearest' });
  }, [focus]);

  const act = (fn: (e: StepExample) => void) => () => {
    if (current && annotator && !mode) fn(current);
  };
  useShortcuts({
    j: () => (focus < items.length - 1 ? setFocus(focus + 1) : onQuestion(1)),
    k: () => (focus > 0 ? setFocus(focus - 1) : onQuestion(-1)),
    n: () => onQuestion(1),
    p: () => onQuestion(-1),
    a: act((e) => {
      ann.annotate(e.id, { status: 'accepted' });
      if (focus < items.length - 1) setFocus(focus + 1);
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
