import type { ReactNode } from 'react';

/** "← Prev  21–40 of 95 questions  Next →" under a paged list (pages count from 0). */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  noun,
  testId,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  /** What is counted, after the total ("questions", "assigned questions · 3 selected"). */
  noun?: ReactNode;
  testId?: string;
}) {
  const first = total === 0 ? 0 : page * pageSize + 1;
  return (
    <div className="pager" {...(testId ? { 'data-testid': testId } : {})}>
      <button type="button" className="btn btn-small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        ← Prev
      </button>
      <span>
        {first}–{Math.min(total, (page + 1) * pageSize)} of {total}
        {noun ? <> {noun}</> : null}
      </span>
      <button
        type="button"
        className="btn btn-small"
        disabled={(page + 1) * pageSize >= total}
        onClick={() => onPage(page + 1)}
      >
        Next →
      </button>
    </div>
  );
}
