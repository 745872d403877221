import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { errorMessage, UserError } from '../errors';
import { REPO_ROOT } from '../paths';
import { REPORT_KINDS, type ReportKind, type ReportRow } from '../store/reports';
import type { Workbench } from '../workbench';
import { MARKDOWN_FILE, RESULT_FILE, readJsonFile, requireFolder } from './folder';
import { recordReport } from './record';
import { ExperimentResultSchema } from './schema';

export interface ImportReportInput {
  /** The report's folder; a relative path is taken from the repository root (docs/results/…). */
  outDir: string;
  /** Needed only for an analysis whose result.json does not say its kind. */
  kind?: ReportKind | undefined;
  name?: string | undefined;
}

/** What an analysis' result.json may say about itself. */
const AnalysisHeader = z.object({
  /** The analyses write `analysis`; `kind` is accepted too. */
  analysis: z.enum(REPORT_KINDS).optional(),
  kind: z.enum(REPORT_KINDS).optional(),
  name: z.string().optional(),
  title: z.string().optional(),
  preset: z.string().optional(),
  /** Only the experiment's result has systems. */
  systems: z.unknown().optional(),
});

/**
 * Adds a report written elsewhere (by the CLI, on another machine, committed under docs/results)
 * to this workspace. The folder stays where it is; it is checked as the view will read it, so a
 * report that imports also opens. Importing a folder again returns its row.
 */
export function importReport(wb: Pick<Workbench, 'store'>, input: ImportReportInput): ReportRow {
  const dir = isAbsolute(input.outDir) ? resolve(input.outDir) : resolve(REPO_ROOT, input.outDir);
  const what = `Importing the report in ${dir}`;
  requireFolder(dir, what);
  const resultFile = join(dir, RESULT_FILE);
  const hasResult = existsSync(resultFile);
  const existing = wb.store.reports.list().find((r) => r.outDir === dir);

  let kind = input.kind;
  let name = input.name;
  let preset: string | null = null;
  if (kind === undefined || kind === 'experiment') {
    const header = hasResult ? readJsonFile(resultFile, AnalysisHeader, what) : null;
    kind ??= header?.analysis ?? header?.kind ?? (header?.systems !== undefined ? 'experiment' : undefined);
    if (kind === undefined) {
      throw new UserError(
        'BAD_REQUEST',
        `${what}: cannot tell which report this is (${hasResult ? `${RESULT_FILE} has no "analysis" and no "systems"` : `no ${RESULT_FILE}`}). Pass kind: one of ${REPORT_KINDS.join(', ')}.`,
      );
    }
    name ??= header?.name ?? header?.title;
    preset = header?.preset ?? null;
  }
  if (kind === 'experiment') {
    const result = readJsonFile(resultFile, ExperimentResultSchema, what);
    preset = result.preset;
    name ??= `Vanilla-KD vs StepER · ${result.preset} · ${basename(dir)}`;
  } else if (!hasResult && !existsSync(join(dir, MARKDOWN_FILE))) {
    throw new UserError(
      'BAD_REQUEST',
      `${what}: the folder holds neither ${MARKDOWN_FILE} nor ${RESULT_FILE}.`,
    );
  } else if (hasResult) {
    readJsonFile(resultFile, z.unknown(), what);
  }
  if (existing && input.name === undefined && existing.kind === kind) return existing;
  return recordReport(wb, { kind, name: name ?? `${kind} · ${basename(dir)}`, preset, outDir: dir });
}

/** The committed reports (docs/results/<dir> with a result.json), for a fresh demo workspace. */
export function importCommittedReports(
  wb: Pick<Workbench, 'store'>,
  root = join(REPO_ROOT, 'docs', 'results'),
): { imported: ReportRow[]; skipped: string[] } {
  const imported: ReportRow[] = [];
  const skipped: string[] = [];
  if (!existsSync(root)) return { imported, skipped };
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || !existsSync(join(root, d.name, RESULT_FILE))) continue;
    try {
      imported.push(importReport(wb, { outDir: join(root, d.name) }));
    } catch (err) {
      skipped.push(`${d.name}: ${errorMessage(err)}`);
    }
  }
  return { imported, skipped };
}
