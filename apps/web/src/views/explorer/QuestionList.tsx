import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { trpc } from '../../api/trpc';
import { Pager } from '../../components/Pager';
import { Empty, QueryState } from '../../components/States';

export interface ListFilters {
  search: string;
  kept: '' | 'kept' | 'filtered';
  steps: string;
  earlyStop: '' | 'yes' | 'no';
  type: string;
  page: number;
}

const PAGE = 50;

/** The run's questions with search and filters, every one applied by the server to the whole run. */
export function QuestionList({
  runId,
  maxSteps,
  filters,
  onFilters,
  selected,
  onSelect,
  onOrder,
}: {
  runId: string;
  maxSteps: number;
  filters: ListFilters;
  onFilters: (f: Partial<ListFilters>) => void;
  selected: string | undefined;
  onSelect: (questionId: string) => void;
  onOrder: (ids: string[]) => void;
}) {
  const [search, setSearch] = useState(filters.search);
  useEffect(() => {
    const t = setTimeout(() => search !== filters.search && onFilters({ search, page: 0 }), 250);
    return () => clearTimeout(t);
  }, [search, filters.search, onFilters]);

  const traces = useQuery({
    ...trpc.teacherRuns.traces.queryOptions({
      id: runId,
      offset: filters.page * PAGE,
      limit: PAGE,
      ...(filters.search ? { search: filters.search } : {}),
      ...(filters.kept ? { correct: filters.kept === 'kept' } : {}),
      ...(filters.steps ? { steps: Number(filters.steps) } : {}),
      ...(filters.earlyStop ? { earlyStop: filters.earlyStop === 'yes' } : {}),
      ...(filters.type ? { type: filters.type } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const types = useQuery(trpc.teacherRuns.questionTypes.queryOptions({ id: runId }));

  const items = useMemo(() => traces.data?.items ?? [], [traces.data]);
  useEffect(() => onOrder(items.map((t) => t.questionId)), [items, onOrder]);
  const total = traces.data?.total ?? 0;

  return (
    <section className="panel list-panel" id="question-list">
      <div className="filters">
        <input
          id="question-search"
          type="search"
          placeholder="Search questions…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          id="filter-kept"
          value={filters.kept}
          onChange={(e) => onFilters({ kept: e.target.value as ListFilters['kept'], page: 0 })}
        >
          <option value="">kept and filtered</option>
          <option value="kept">kept (right)</option>
          <option value="filtered">filtered out</option>
        </select>
        <select
          id="filter-steps"
          value={filters.steps}
          onChange={(e) => onFilters({ steps: e.target.value, page: 0 })}
        >
          <option value="">any steps</option>
          {Array.from({ length: maxSteps }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n} step{n > 1 ? 's' : ''}
            </option>
          ))}
        </select>
        <select
          id="filter-early"
          value={filters.earlyStop}
          onChange={(e) => onFilters({ earlyStop: e.target.value as ListFilters['earlyStop'], page: 0 })}
        >
          <option value="">any stop</option>
          <option value="yes">early stop</option>
          <option value="no">ran to S</option>
        </select>
        <select
          id="filter-type"
          value={filters.type}
          onChange={(e) => onFilters({ type: e.target.value, page: 0 })}
          disabled={!types.data?.length}
          title="Question type"
        >
          <option value="">any type</option>
          {types.data?.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type} ({t.count})
            </option>
          ))}
        </select>
      </div>
      <QueryState query={traces} what="traces">
        {() =>
          items.length === 0 ? (
            <Empty title="No question matches">Loosen the filters or the search.</Empty>
          ) : (
            <ul className="q-list" data-testid="question-list">
              {items.map((t) => (
                <li key={t.questionId}>
                  <button
                    type="button"
                    className={`q-item${t.questionId === selected ? ' selected' : ''}`}
                    data-testid="question-item"
                    data-question-id={t.questionId}
                    onClick={() => onSelect(t.questionId)}
                  >
                    <div className="q-text">{t.question}</div>
                    <div className="q-meta">
                      <span className={`verdict ${t.correct ? 'verdict-ok' : 'verdict-bad'}`}>
                        {t.correct ? 'kept' : 'filtered'}
                      </span>
                      <span>
                        {t.steps} step{t.steps === 1 ? '' : 's'}
                      </span>
                      {t.earlyStop && <span>early stop</span>}
                      {t.questionType && <span>{t.questionType}</span>}
                      {t.error && <span className="error-text">error</span>}
                    </div>
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <Pager page={filters.page} pageSize={PAGE} total={total} onPage={(page) => onFilters({ page })} />
    </section>
  );
}
