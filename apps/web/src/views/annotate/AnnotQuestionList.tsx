import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { trpc } from '../../api/trpc';
import { Empty, QueryState } from '../../components/States';

const PAGE = 50;

/** The dataset's questions, in order, with how many of their examples this annotator has done. */
export function AnnotQuestionList({
  datasetId,
  questionSetId,
  page,
  onPage,
  selected,
  onSelect,
  doneByQuestion,
}: {
  datasetId: string;
  questionSetId: string | undefined;
  page: number;
  onPage: (p: number) => void;
  selected: string | undefined;
  onSelect: (qid: string) => void;
  doneByQuestion: Map<string, number>;
}) {
  const questions = useQuery({
    ...trpc.stepData.questions.queryOptions({ id: datasetId, offset: page * PAGE, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const total = questions.data?.total ?? 0;
  return (
    <section className="panel list-panel" id="annot-questions">
      <QueryState query={questions} what="questions">
        {(data) =>
          data.items.length === 0 ? (
            <Empty title="No examples in this dataset">
              Every trace was filtered out: check the teacher run.
            </Empty>
          ) : (
            <ul className="q-list" data-testid="annot-question-list">
              {data.items.map((q) => {
                const n = q.init + q.exp + q.agg;
                const done = doneByQuestion.get(q.questionId) ?? 0;
                return (
                  <li key={q.questionId}>
                    <button
                      type="button"
                      className={`q-item${q.questionId === selected ? ' selected' : ''}`}
                      data-testid="annot-question"
                      data-question-id={q.questionId}
                      onClick={() => onSelect(q.questionId)}
                    >
                      <QuestionText setId={questionSetId} questionId={q.questionId} />
                      <div className="q-meta">
                        <span className={`verdict ${done === n ? 'verdict-ok' : ''}`}>
                          {done}/{n}
                        </span>
                        <span>
                          init {q.init} · exp {q.exp} · agg {q.agg}
                        </span>
                      </div>
                    </button>
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryState>
      <div className="pager">
        <button
          type="button"
          className="btn btn-small"
          disabled={page === 0}
          onClick={() => onPage(page - 1)}
        >
          ← Prev
        </button>
        <span>
          {total === 0 ? 0 : page * PAGE + 1}–{Math.min(total, (page + 1) * PAGE)} of {total} questions
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={(page + 1) * PAGE >= total}
          onClick={() => onPage(page + 1)}
        >
          Next →
        </button>
      </div>
    </section>
  );
}

/** Question texts come one by one; the tRPC link batches a page of them into one request. */
function QuestionText({ setId, questionId }: { setId: string | undefined; questionId: string }) {
  const q = useQuery({
    ...trpc.questionSets.question.queryOptions({ id: setId ?? '', questionId }),
    enabled: Boolean(setId),
    staleTime: Number.POSITIVE_INFINITY,
  });
  return <div className="q-text">{q.data?.question ?? questionId}</div>;
}
