import type { ReactNode } from 'react';

/** One column of a DataTable: its header and how a row fills its cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Right-aligned figures. */
  num?: boolean;
  /** Extra class of the cell (cell-wrap, cell-actions, …). */
  className?: string;
}

/** A table whose columns are data: the workspace's lists of corpora, runs, datasets, … */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowTestId,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** data-testid of each row, for tests that count them. */
  rowTestId?: string;
}) {
  return (
    <table className="table">
      <thead>
        <tr>
          {columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and fixed.
            <th key={i} className={c.num ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={rowTestId}>
            {columns.map((c, i) => {
              const className = [c.num ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ');
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and fixed.
                <td key={i} className={className || undefined}>
                  {c.cell(row)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The name cell of a workspace list: the name, its id below. */
export function NameCell({ name, id }: { name: string; id: string }) {
  return (
    <>
      <span className="cell-title">{name}</span>
      <span className="cell-id">{id}</span>
    </>
  );
}
