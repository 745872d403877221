import type { Outputs } from '../../api/types';

export type ReportListItem = Outputs['reports']['list'][number];
export type OpenedReport = Outputs['reports']['get'];
export type ExperimentResult = NonNullable<OpenedReport['experiment']>;
export type SystemResult = ExperimentResult['systems'][number];
export type Comparison = ExperimentResult['comparisons'][number];

export const REPORT_KIND_LABELS: Record<ReportListItem['kind'], string> = {
  experiment: 'Experiment',
  table2: 'Table 2 · fixed λ',
  figure3: 'Figure 3 · stages',
  table4: 'Table 4 · rationale',
  table6: 'Table 6 · teacher S',
  figure5: 'Figure 5 · transfer',
};

/** Where the server serves a report's PNG figure. */
export const figureUrl = (reportId: string, name: string) =>
  `/api/reports/${encodeURIComponent(reportId)}/files/${encodeURIComponent(name)}`;
