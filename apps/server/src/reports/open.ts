import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors';
import type { ReportRow } from '../store/reports';
import type { Store } from '../store/store';
import { listFigures, MARKDOWN_FILE, RESULT_FILE, readJsonFile, readText, requireFolder } from './folder';
import { type ExperimentResultData, ExperimentResultSchema } from './schema';

export interface ReportListItem extends ReportRow {
  /** False when the folder is gone: the row stays, opening it says where it was. */
  available: boolean;
  /**
   * When the run started, from its result.json (the experiment and the analyses write it);
   * null when the folder says not. `createdAt` is when this workspace recorded the report: for
   * an imported one, the import.
   */
  ranAt: string | null;
}

export interface OpenedReport extends ReportRow {
  /** The experiment's result.json, checked; null for the analyses. */
  experiment: ExperimentResultData | null;
  /** An analysis' result.json as JSON (its shape is the analysis'); null if it wrote none. */
  data: unknown;
  /** report.md as text (rendered as Markdown without raw HTML by the web app). */
  markdown: string | null;
  /** PNG figures in the folder, served at /api/reports/<id>/files/<name>. */
  figures: string[];
  /** The systems' evaluations that are in this workspace, so their traces can be opened. */
  evaluationsHere: string[];
}

export function listReports(store: Store): ReportListItem[] {
  return store.reports.list().map((r) => ({ ...r, available: existsSync(r.outDir), ranAt: ranAt(r.outDir) }));
}

const RunStart = z.object({ startedAt: z.iso.datetime() });

/** A list shows every row: a missing or unreadable result.json leaves the time unknown, not an error. */
function ranAt(dir: string): string | null {
  try {
    const parsed = RunStart.safeParse(JSON.parse(readFileSync(join(dir, RESULT_FILE), 'utf8')));
    return parsed.success ? parsed.data.startedAt : null;
  } catch {
    return null;
  }
}

export function openReport(store: Store, id: string): OpenedReport {
  const row = store.reports.require(id);
  const what = `Report ${row.id} (${row.name})`;
  requireFolder(row.outDir, what);
  const resultFile = join(row.outDir, RESULT_FILE);
  const markdown = readText(join(row.outDir, MARKDOWN_FILE));
  let experiment: ExperimentResultData | null = null;
  let data: unknown = null;
  if (row.kind === 'experiment') {
    experiment = readJsonFile(resultFile, ExperimentResultSchema, what);
  } else if (existsSync(resultFile)) {
    data = readJsonFile(resultFile, z.unknown(), what);
  } else if (markdown === null) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `${what}: ${row.outDir} holds neither ${MARKDOWN_FILE} nor ${RESULT_FILE}. Re-run the analysis that wrote it.`,
    );
  }
  const evaluationsHere = (experiment?.systems ?? [])
    .map((s) => s.evaluationId)
    .filter((e) => store.evaluations.get(e) !== undefined);
  return { ...row, experiment, data, markdown, figures: listFigures(row.outDir), evaluationsHere };
}
