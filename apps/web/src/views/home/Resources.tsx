import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc';
import type {
  Corpus,
  Evaluation,
  QuestionSetRow,
  StepDataset,
  TeacherRun,
  TrainingRun,
} from '../../api/types';
import { type Column, DataTable, NameCell } from '../../components/DataTable';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago, int, pct } from '../../lib/format';

/** One kind of thing in the workspace: a titled section with its table, or what to do when it is empty. */
function ResourceSection<T>({
  id,
  title,
  what,
  query,
  empty,
  columns,
  rowKey,
  rowTestId,
}: {
  id: string;
  title: string;
  what: string;
  query: { data: T[] | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  empty: { title: string; body: ReactNode };
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowTestId?: string;
}) {
  return (
    <Section id={id} title={title} count={query.data?.length}>
      <QueryState query={query} what={what}>
        {(rows) =>
          rows.length === 0 ? (
            <Empty title={empty.title}>{empty.body}</Empty>
          ) : (
            <DataTable rows={rows} columns={columns} rowKey={rowKey} {...(rowTestId ? { rowTestId } : {})} />
          )
        }
      </QueryState>
    </Section>
  );
}

const byId = (row: { id: string }) => row.id;

const CORPUS_COLUMNS: Column<Corpus>[] = [
  { header: 'Name', cell: (c) => <NameCell name={c.name} id={c.id} /> },
  { header: 'Passages', num: true, cell: (c) => int(c.passageCount) },
  {
    header: 'BM25 index',
    cell: (c) =>
      c.indexPath ? (
        <span className="badge badge-done">built</span>
      ) : (
        <span className="badge badge-queued">not built</span>
      ),
  },
  { header: 'Created', cell: (c) => ago(c.createdAt) },
];

export function CorporaSection() {
  const query = useQuery(trpc.corpora.list.queryOptions());
  return (
    <ResourceSection
      id="corpora"
      title="Corpora"
      what="corpora"
      query={query}
      empty={{
        title: 'No corpus yet',
        body: <>Import a JSONL corpus of {'{id, title, text}'} or a dataset file below.</>,
      }}
      columns={CORPUS_COLUMNS}
      rowKey={byId}
    />
  );
}

const QUESTION_SET_COLUMNS: Column<QuestionSetRow>[] = [
  { header: 'Name', cell: (s) => <NameCell name={s.name} id={s.id} /> },
  { header: 'Dataset', cell: (s) => s.dataset },
  { header: 'Questions', num: true, cell: (s) => int(s.questionCount) },
  { header: 'Created', cell: (s) => ago(s.createdAt) },
];

export function QuestionSetsSection() {
  const query = useQuery(trpc.questionSets.list.queryOptions());
  return (
    <ResourceSection
      id="question-sets"
      title="Question sets"
      what="question sets"
      query={query}
      empty={{
        title: 'No question set yet',
        body: 'Import HotpotQA, 2Wiki, MuSiQue or IRCoT files below.',
      }}
      columns={QUESTION_SET_COLUMNS}
      rowKey={byId}
    />
  );
}

const TEACHER_RUN_COLUMNS: Column<TeacherRun>[] = [
  { header: 'Run', cell: (r) => <NameCell name={r.name} id={r.id} /> },
  {
    header: 'Loop',
    cell: (r) => (
      <>
        {r.loop}{' '}
        <span className="muted">
          S={r.maxSteps} K={r.topK}
        </span>
      </>
    ),
  },
  { header: 'Teacher', className: 'cell-wrap', cell: (r) => r.generator },
  {
    header: 'Traces',
    num: true,
    cell: (r) => (
      <>
        {int(r.tracesDone)} / {int(r.questionTotal)}
      </>
    ),
  },
  {
    header: 'Kept',
    num: true,
    cell: (r) => (
      <>
        {int(r.tracesKept)}{' '}
        <span className="muted">({pct(r.tracesDone ? r.tracesKept / r.tracesDone : null, 0)}%)</span>
      </>
    ),
  },
  { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
  {
    header: '',
    cell: (r) => (
      <Link className="btn btn-small" to={`/explore/${r.id}`}>
        Explore
      </Link>
    ),
  },
];

export function TeacherRunsSection() {
  const query = useQuery(trpc.teacherRuns.list.queryOptions());
  return (
    <ResourceSection
      id="teacher-runs"
      title="Teacher runs"
      what="teacher runs"
      query={query}
      empty={{ title: 'No teacher run yet', body: 'Start one below: the evidence teacher needs no model.' }}
      columns={TEACHER_RUN_COLUMNS}
      rowKey={byId}
      rowTestId="teacher-run-row"
    />
  );
}

const DATASET_COLUMNS: Column<StepDataset>[] = [
  { header: 'Dataset', cell: (d) => <NameCell name={d.name} id={d.id} /> },
  {
    header: 'Filter · steps',
    cell: (d) => (
      <>
        {d.manifest.filterRule} · {d.manifest.stepConfig}
      </>
    ),
  },
  {
    header: 'Kept / traces',
    num: true,
    cell: (d) => (
      <>
        {int(d.manifest.counts.kept)} / {int(d.manifest.counts.traces)}
      </>
    ),
  },
  {
    header: 'init · exp · agg',
    num: true,
    cell: (d) => (
      <>
        {int(d.manifest.counts.examples.init)} · {int(d.manifest.counts.examples.exp)} ·{' '}
        {int(d.manifest.counts.examples.agg)}
      </>
    ),
  },
  {
    header: '',
    className: 'cell-actions',
    cell: (d) => (
      <>
        <Link className="btn btn-small" to={`/annotate/${d.id}`}>
          Annotate
        </Link>
        <Link className="btn btn-small" to={`/training?dataset=${d.id}`}>
          Train
        </Link>
      </>
    ),
  },
];

export function DatasetsSection() {
  const query = useQuery(trpc.stepData.list.queryOptions({}));
  return (
    <ResourceSection
      id="datasets"
      title="Step-wise datasets"
      what="step datasets"
      query={query}
      empty={{
        title: 'No step data yet',
        body: 'A finished teacher run builds its filtered step-wise dataset.',
      }}
      columns={DATASET_COLUMNS}
      rowKey={byId}
      rowTestId="dataset-row"
    />
  );
}

const TRAINING_RUN_COLUMNS: Column<TrainingRun>[] = [
  { header: 'Run', cell: (r) => <NameCell name={r.name} id={r.id} /> },
  { header: 'Objective', cell: (r) => String(r.config.objective ?? '—') },
  { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
  { header: 'Created', cell: (r) => ago(r.createdAt) },
  {
    header: '',
    cell: (r) => (
      <Link className="btn btn-small" to={`/training/${r.id}`}>
        Open
      </Link>
    ),
  },
];

export function TrainingRunsSection() {
  const query = useQuery(trpc.training.list.queryOptions());
  return (
    <ResourceSection
      id="training-runs"
      title="Training runs"
      what="training runs"
      query={query}
      empty={{
        title: 'No training run yet',
        body: 'Train Vanilla-KD or StepER students from the Training view.',
      }}
      columns={TRAINING_RUN_COLUMNS}
      rowKey={byId}
    />
  );
}

const metricsOf = (e: Evaluation) => (e.metrics ?? {}) as { em?: number; f1?: number; acc?: number };

const EVALUATION_COLUMNS: Column<Evaluation>[] = [
  { header: 'Evaluation', cell: (e) => <NameCell name={e.name} id={e.id} /> },
  { header: 'Questions', num: true, cell: (e) => int(e.tracesDone) },
  { header: 'EM', num: true, cell: (e) => pct(metricsOf(e).em) },
  { header: 'F1', num: true, cell: (e) => pct(metricsOf(e).f1) },
  { header: 'Acc', num: true, cell: (e) => pct(metricsOf(e).acc) },
  { header: 'Status', cell: (e) => <StatusBadge status={e.status} /> },
];

export function EvaluationsSection() {
  const query = useQuery(trpc.evaluations.list.queryOptions());
  return (
    <ResourceSection
      id="evaluations"
      title="Evaluations"
      what="evaluations"
      query={query}
      empty={{
        title: 'No evaluation yet',
        body: 'Evaluate generators on held-out questions, then compare them.',
      }}
      columns={EVALUATION_COLUMNS}
      rowKey={byId}
    />
  );
}
