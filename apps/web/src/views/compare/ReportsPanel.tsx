import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import { utcTime } from '../../lib/format';
import { AnalysisReport } from './AnalysisReport';
import { ExperimentReport } from './ExperimentReport';
import { REPORT_KIND_LABELS } from './reportTypes';
import './reports.css';

/** The workspace's reports, an import form, and the report opened (URL ?report=id). */
export function ReportsPanel({
  reportId,
  onOpen,
}: {
  reportId: string | null;
  onOpen: (id: string) => void;
}) {
  const list = useQuery(trpc.reports.list.queryOptions());
  return (
    <>
      <Section
        id="report-list"
        title="Reports"
        count={list.data?.length}
        actions={<ImportForm onImported={onOpen} />}
      >
        <QueryState query={list} what="reports">
          {(reports) =>
            reports.length === 0 ? (
              <Empty title="No report yet">
                Run <code>steper experiment --quick</code> (or an analysis) in this workspace, or import a
                report folder from <code>docs/results/</code> (e.g.{' '}
                <code>docs/results/quick-smoke-2026-11-23</code>) or one copied into the workspace's{' '}
                <code>imports/</code> folder.
              </Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Report</th>
                    <th>Kind</th>
                    <th>Preset</th>
                    <th>Ran</th>
                  </tr>
                </thead>
                <tbody>
                  {reports.map((r) => (
                    <tr
                      key={r.id}
                      className={r.id === reportId ? 'selected' : undefined}
                      data-testid="report-row"
                    >
                      <td>
                        <button type="button" className="link-button cell-title" onClick={() => onOpen(r.id)}>
                          {r.name}
                        </button>
                        <span className="cell-id" title={r.outDir}>
                          {r.outDir}
                        </span>
                        {!r.available && <span className="tag tag-muted">folder missing</span>}
                      </td>
                      <td>
                        <span className="tag report-kind">{REPORT_KIND_LABELS[r.kind]}</span>
                      </td>
                      <td>{r.preset ?? '—'}</td>
                      <td className="muted">
                        <ReportWhen ranAt={r.ranAt} createdAt={r.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryState>
      </Section>
      {reportId && <OpenReport id={reportId} />}
    </>
  );
}

/**
 * When the report's run started (its result.json); a report that does not say shows when this
 * workspace recorded it, named as such, since for an imported report that is the import.
 */
export function ReportWhen({ ranAt, createdAt }: { ranAt: string | null; createdAt: string }) {
  if (ranAt)
    return (
      <time dateTime={ranAt} title="When the run started, from the report's result.json">
        {utcTime(ranAt)}
      </time>
    );
  return (
    <span title="The report's folder gives no run time: this is when this workspace recorded (imported) it">
      recorded here <time dateTime={createdAt}>{utcTime(createdAt)}</time>
    </span>
  );
}

function OpenReport({ id }: { id: string }) {
  const report = useQuery(trpc.reports.get.queryOptions({ id }));
  return (
    <div data-testid="report-view">
      <QueryState query={report} what={`report ${id}`}>
        {(r) =>
          r.experiment ? <ExperimentReport report={r} result={r.experiment} /> : <AnalysisReport report={r} />
        }
      </QueryState>
    </div>
  );
}

/** Adds a report folder written by the CLI elsewhere; a relative path is taken from the repository root. */
function ImportForm({ onImported }: { onImported: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [outDir, setOutDir] = useState('');
  const importing = useMutation(
    trpc.reports.import.mutationOptions({
      onSuccess: async (row) => {
        setOutDir('');
        await queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() });
        onImported(row.id);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    importing.mutate({ outDir });
  };
  return (
    <form className="report-import" onSubmit={submit}>
      <label className="visually-hidden" htmlFor="report-import-dir">
        Report folder
      </label>
      <input
        id="report-import-dir"
        className="mono"
        placeholder="docs/results/<run> or <workspace>/imports/<run>"
        value={outDir}
        onChange={(e) => setOutDir(e.target.value)}
      />
      <button id="report-import" type="submit" className="btn btn-small" disabled={importing.isPending}>
        {importing.isPending ? 'Importing…' : 'Import report'}
      </button>
      {importing.error && (
        <div className="error-text report-import-error" role="alert">
          {errorMessage(importing.error)}
        </div>
      )}
    </form>
  );
}
