import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { trpc } from '../../api/trpc';
import type { Outputs } from '../../api/types';
import { Pager } from '../../components/Pager';
import { Empty, QueryState } from '../../components/States';

const PAGE = 50;

type QuestionPage = Outputs['stepData']['questions'];

/**
 * The dataset's questions, in order, with how many of their examples this annotator has done and
 * who they are assigned to; "Assigned to me" narrows the list to this annotator's questions.
 */
export function AnnotQuestionList({
  datasetId,
  questions,
  page,
  onPage,
  selected,
  onSelect,
  doneByQuestion,
  me,
  mineOnly,
  onMineOnly,
}: {
  datasetId: string;
  questions: UseQueryResult<QuestionPage, unknown>;
  page: number;
  onPage: (p: number) => void;
  selected: string | undefined;
  onSelect: (qid: string) => void;
  doneByQuestion: Map<string, number>;
  me: string;
  mineOnly: boolean;
  onMineOnly: (on: boolean) => void;
}) {
  const assignments = useQuery(trpc.annotations.assignments.queryOptions({ datasetId }));
  const assignees = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const a of assignments.data ?? [])
      m.set(a.questionId, [...(m.get(a.questionId) ?? []), a.annotator]);
    return m;
  }, [assignments.data]);
  const mineCount = me ? (assignments.data ?? []).filter((a) => a.annotator === me).length : 0;
  const total = questions.data?.total ?? 0;
  return (
    <section className="panel list-panel" id="annot-questions">
      <div className="filters">
        <label className="check-label" title={me ? undefined : 'Enter your name first'}>
          <input
            type="checkbox"
            id="assigned-to-me"
            checked={mineOnly}
            disabled={!me}
            onChange={(e) => onMineOnly(e.target.checked)}
          />
          Assigned to me
          {me && <span className="muted">({mineCount})</span>}
        </label>
      </div>
      <QueryState query={questions} what="questions">
        {(data) =>
          data.items.length === 0 ? (
            mineOnly ? (
              <Empty title={`Nothing assigned to ${me}`}>
                Questions handed out in the Assign tab show up here. Untick “Assigned to me” to see every
                question.
              </Empty>
            ) : (
              <Empty title="No examples in this dataset">
                Every trace was filtered out: check the teacher run.
              </Empty>
            )
          ) : (
            <ul className="q-list" data-testid="annot-question-list">
              {data.items.map((q) => {
                const n = q.init + q.exp + q.agg;
                const done = doneByQuestion.get(q.questionId) ?? 0;
                const who = assignees.get(q.questionId) ?? [];
                return (
                  <li key={q.questionId}>
                    <button
                      type="button"
                      className={`q-item${q.questionId === selected ? ' selected' : ''}`}
                      data-testid="annot-question"
                      data-question-id={q.questionId}
                      onClick={() => onSelect(q.questionId)}
                    >
                      <div className="q-text">{q.question}</div>
                      <div className="q-meta">
                        <span className={`verdict ${done === n ? 'verdict-ok' : ''}`}>
                          {done}/{n}
                        </span>
                        <span>
                          init {q.init} · exp {q.exp} · agg {q.agg}
                        </span>
                        {who.map((name) => (
                          <span key={name} className={`assignee${name === me ? ' assignee-me' : ''}`}>
                            {name}
                          </span>
                        ))}
                      </div>
                    </button>
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryState>
      <Pager
        page={page}
        pageSize={PAGE}
        total={total}
        onPage={onPage}
        noun={mineOnly ? 'assigned questions' : 'questions'}
      />
    </section>
  );
}
