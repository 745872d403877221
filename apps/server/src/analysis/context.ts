import type { JudgeSpec } from '../evaluation/judge/config';
import type { OnnxExporter } from '../experiment/python';
import type { TeacherSpec } from '../teachers/spec';
import type { Workbench } from '../workbench';
import type { AnalysisKind, AnalysisPreset } from './presets';

/** What every analysis gets: where it works and writes, who judges, who teaches, and how it reports. */
export interface AnalysisContext {
  wb: Workbench;
  kind: AnalysisKind;
  preset: AnalysisPreset;
  /** Absolute output folder: report.md, result.json, figures. */
  out: string;
  /** The judge of Figure 3 and Table 4 (the offline evidence judge unless an LM judge is given). */
  judge: JudgeSpec;
  /** The teacher of Table 6 (the offline evidence teacher unless an endpoint is given). */
  teacher: TeacherSpec;
  /** One trainer interpreter for all of the analysis' ONNX exports. */
  exporter: OnnxExporter;
  signal: AbortSignal | undefined;
  log: (line: string) => void;
  /** Counts one unit of the analysis' planned work done (a student trained, a system evaluated). */
  advance: (message: string) => void;
  /** How many units the analysis will do, for the progress bar. */
  plan: (total: number) => void;
}

/** What each analysis returns: its result (written to result.json) and its Markdown report. */
export interface AnalysisOutput<R> {
  result: R;
  markdown: string;
  /** PNG figures written into `out`: file name → what it shows. */
  figures: Record<string, string>;
}

/** Fields every analysis' result.json starts with. */
export interface AnalysisHeader {
  analysis: AnalysisKind;
  title: string;
  preset: string;
  claims: boolean;
  command: string;
  commit: string;
  startedAt: string;
  wallSeconds: number;
  world: AnalysisPreset['base']['world'];
}
