import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { Pager } from '../../components/Pager';
import { ProgressBar } from '../../components/ProgressBar';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import type { Assignment } from './reviewTypes';

const PAGE = 50;

interface AnnotatorProgress {
  annotator: string;
  questions: number;
  finished: number;
  examplesDone: number;
  examples: number;
  notStarted: string[];
}

function progressByAnnotator(rows: readonly Assignment[]): AnnotatorProgress[] {
  const m = new Map<string, AnnotatorProgress>();
  for (const r of rows) {
    const p = m.get(r.annotator) ?? {
      annotator: r.annotator,
      questions: 0,
      finished: 0,
      examplesDone: 0,
      examples: 0,
      notStarted: [],
    };
    p.questions += 1;
    p.examples += r.examples;
    p.examplesDone += Math.min(r.done, r.examples);
    if (r.done >= r.examples) p.finished += 1;
    if (r.done === 0) p.notStarted.push(r.questionId);
    m.set(r.annotator, p);
  }
  return [...m.values()].sort((a, b) => a.annotator.localeCompare(b.annotator));
}

/** Hand questions out to annotators, see who has what and how far each has got. */
export function AssignView({ datasetId, me }: { datasetId: string; me: string }) {
  const queryClient = useQueryClient();
  const [page, setPage] = useState(0);
  const [to, setTo] = useState(me);
  const [count, setCount] = useState(10);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const assignments = useQuery(trpc.annotations.assignments.queryOptions({ datasetId }));
  const questions = useQuery({
    ...trpc.stepData.questions.queryOptions({ id: datasetId, offset: page * PAGE, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const annotations = useQuery(trpc.annotations.list.queryOptions({ datasetId }));

  const rows = assignments.data ?? [];
  const assignees = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const a of rows) m.set(a.questionId, [...(m.get(a.questionId) ?? []), a.annotator]);
    return m;
  }, [rows]);
  const progress = useMemo(() => progressByAnnotator(rows), [rows]);
  const names = useMemo(
    () =>
      [
        ...new Set([...rows.map((r) => r.annotator), ...(annotations.data ?? []).map((a) => a.annotator)]),
      ].sort(),
    [rows, annotations.data],
  );
  const totalQuestions = questions.data?.total ?? 0;
  const unassigned = Math.max(0, totalQuestions - assignees.size);
  const target = to.trim();

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.annotations.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.stepData.questions.pathKey() });
  };
  const assign = useMutation(
    trpc.annotations.assign.mutationOptions({
      onSuccess: (r, input) => {
        setSelected(new Set());
        setNote({
          ok: true,
          text:
            r.assigned === 0
              ? `Nothing new for ${input.annotator}: ${input.next ? 'every question is assigned already' : 'they had those questions already'}.`
              : `Assigned ${r.assigned} question${r.assigned === 1 ? '' : 's'} to ${input.annotator}.`,
        });
        refresh();
      },
      onError: (err) => setNote({ ok: false, text: errorMessage(err) }),
    }),
  );
  const unassign = useMutation(
    trpc.annotations.unassign.mutationOptions({
      onSuccess: (r, input) => {
        setNote({
          ok: true,
          text: `Took ${r.unassigned} question${r.unassigned === 1 ? '' : 's'} back from ${input.annotator}.`,
        });
        refresh();
      },
      onError: (err) => setNote({ ok: false, text: errorMessage(err) }),
    }),
  );
  const busy = assign.isPending || unassign.isPending;
  const pageIds = questions.data?.items.map((q) => q.questionId) ?? [];
  const allOnPage = pageIds.length > 0 && pageIds.every((q) => selected.has(q));
  const toggle = (ids: string[], on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const q of ids) {
        if (on) next.add(q);
        else next.delete(q);
      }
      return next;
    });

  return (
    <div className="assign-view">
      <Section id="assign" title="Assign questions">
        <form
          className="assign-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (target)
              assign.mutate({ datasetId, annotator: target, next: count, assignedBy: me || undefined });
          }}
        >
          <label>
            Annotator
            <input
              id="assign-to"
              type="text"
              list="assign-names"
              value={to}
              placeholder="who gets the questions"
              onChange={(e) => setTo(e.target.value)}
            />
            <datalist id="assign-names">
              {names.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </label>
          <label>
            How many
            <input
              id="assign-count"
              type="number"
              min={1}
              max={5000}
              value={count}
              onChange={(e) => setCount(Math.max(1, Math.min(5000, Number(e.target.value) || 1)))}
            />
          </label>
          <button
            type="submit"
            id="assign-next"
            className="btn btn-primary btn-small"
            disabled={!target || busy}
          >
            Assign the next {count} unassigned
          </button>
          <button
            type="button"
            id="assign-selected"
            className="btn btn-small"
            disabled={!target || selected.size === 0 || busy}
            onClick={() =>
              assign.mutate({
                datasetId,
                annotator: target,
                questionIds: [...selected],
                assignedBy: me || undefined,
              })
            }
          >
            Assign {selected.size} selected
          </button>
          {selected.size > 0 && (
            <button type="button" className="btn btn-small" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          )}
          <span className="muted assign-summary" data-testid="assign-summary">
            {assignees.size} of {totalQuestions} questions assigned · {unassigned} unassigned
          </span>
        </form>
        {note && (
          <div
            className={note.ok ? 'assign-note ok-text' : 'assign-note error-text'}
            role={note.ok ? 'status' : 'alert'}
          >
            {note.text}
          </div>
        )}
        <QueryState query={assignments} what="assignments">
          {() =>
            progress.length === 0 ? (
              <Empty title="No question assigned yet">
                Name an annotator above and hand out the next unassigned questions, or tick questions below. A
                question may go to two annotators: their verdicts on it measure agreement.
              </Empty>
            ) : (
              <table className="table" id="assign-progress">
                <thead>
                  <tr>
                    <th>Annotator</th>
                    <th className="num">questions</th>
                    <th className="num">finished</th>
                    <th style={{ width: '38%' }}>examples annotated</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {progress.map((p) => (
                    <tr key={p.annotator} data-testid="assign-row" data-annotator={p.annotator}>
                      <td>
                        {p.annotator}
                        {p.annotator === me && <span className="muted"> (you)</span>}
                      </td>
                      <td className="num">{p.questions}</td>
                      <td className="num">{p.finished}</td>
                      <td>
                        <ProgressBar
                          progress={{
                            done: p.examplesDone,
                            total: p.examples,
                            rate: null,
                            etaSeconds: null,
                            message: null,
                          }}
                          status={p.examplesDone >= p.examples ? 'done' : 'running'}
                        />
                      </td>
                      <td className="cell-actions">
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={busy || p.notStarted.length === 0}
                          title="Take back the questions they have not started; their verdicts stay"
                          onClick={() =>
                            unassign.mutate({ datasetId, annotator: p.annotator, questionIds: p.notStarted })
                          }
                        >
                          Take back {p.notStarted.length} not started
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryState>
      </Section>
      <Section id="assign-questions" title="Questions" count={totalQuestions}>
        <QueryState query={questions} what="questions">
          {(data) =>
            data.items.length === 0 ? (
              <Empty title="No examples in this dataset">
                Every trace was filtered out: check the teacher run.
              </Empty>
            ) : (
              <table className="table assign-table">
                <thead>
                  <tr>
                    <th style={{ width: 28 }}>
                      <input
                        type="checkbox"
                        aria-label="Select every question on this page"
                        checked={allOnPage}
                        onChange={(e) => toggle(pageIds, e.target.checked)}
                      />
                    </th>
                    <th>Question</th>
                    <th className="num">examples</th>
                    <th>Assigned to</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((q) => (
                    <tr
                      key={q.questionId}
                      className={selected.has(q.questionId) ? 'selected' : undefined}
                      data-testid="assign-question"
                      data-question-id={q.questionId}
                    >
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${q.questionId}`}
                          checked={selected.has(q.questionId)}
                          onChange={(e) => toggle([q.questionId], e.target.checked)}
                        />
                      </td>
                      <td className="cell-wrap">
                        <div>{q.question}</div>
                        <div className="mono muted" style={{ fontSize: 11 }}>
                          {q.questionId}
                        </div>
                      </td>
                      <td className="num">{q.init + q.exp + q.agg}</td>
                      <td>
                        {(assignees.get(q.questionId) ?? []).map((name) => (
                          <span key={name} className={`assignee${name === me ? ' assignee-me' : ''}`}>
                            {name}
                            <button
                              type="button"
                              className="assignee-x"
                              aria-label={`Take ${q.questionId} back from ${name}`}
                              title={`Take it back from ${name}`}
                              disabled={busy}
                              onClick={() =>
                                unassign.mutate({ datasetId, annotator: name, questionIds: [q.questionId] })
                              }
                            >
                              ×
                            </button>
                          </span>
                        ))}
                        {!assignees.has(q.questionId) && <span className="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryState>
        <Pager
          page={page}
          pageSize={PAGE}
          total={totalQuestions}
          onPage={setPage}
          noun={`questions${selected.size > 0 ? ` · ${selected.size} selected` : ''}`}
        />
      </Section>
    </div>
  );
}
