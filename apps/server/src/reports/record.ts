import { resolve } from 'node:path';
import type { ReportKind, ReportRow } from '../store/reports';
import type { Workbench } from '../workbench';

export type { ReportKind, ReportRow } from '../store/reports';

export interface RecordReportInput {
  kind: ReportKind;
  name: string;
  /** The experiment preset or analysis size ('quick', 'standard', …), if it has one. */
  preset?: string | null;
  /** Folder the report was written to (report.md, result.json, figures). */
  outDir: string;
}

/**
 * Adds a finished report to the workspace so the comparison view lists it. Called at the end of
 * the experiment and of each analysis; recording the same folder again updates its row.
 */
export function recordReport(wb: Pick<Workbench, 'store'>, input: RecordReportInput): ReportRow {
  return wb.store.reports.upsert({
    kind: input.kind,
    name: input.name,
    preset: input.preset ?? null,
    outDir: resolve(input.outDir),
  });
}
