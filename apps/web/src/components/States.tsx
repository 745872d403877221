import type { ReactNode } from 'react';
import { errorKind, errorMessage } from '../api/errors';

/** Loading, empty, error and "not available yet": every view says which one it is in. */

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <div className="state-title">{title}</div>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

export function NotAvailable({ feature, need }: { feature: string; need: string }) {
  return (
    <div className="state state-pending" data-testid="not-available">
      <div className="state-title">{feature}: not available yet</div>
      <div className="state-body">
        The server does not offer <code>{need}</code> yet. This part of the view turns on by itself once it
        does.
      </div>
    </div>
  );
}

export function ErrorView({ error, what, retry }: { error: unknown; what: string; retry?: () => void }) {
  const kind = errorKind(error);
  if (kind === 'not-available')
    return <NotAvailable feature={what} need={procedureOf(errorMessage(error))} />;
  const title =
    kind === 'offline'
      ? `Cannot reach the server to load ${what}`
      : kind === 'not-found'
        ? `Not found: ${what}`
        : `Could not load ${what}`;
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{title}</div>
      <div className="state-body mono-wrap">{errorMessage(error)}</div>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

function procedureOf(message: string): string {
  const m = /path "([^"]+)"/.exec(message);
  return m?.[1] ?? 'this procedure';
}

/** One place to turn a react-query result into its state, so every view treats them alike. */
export function QueryState<T>({
  query,
  what,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorView error={query.error} what={what} retry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
