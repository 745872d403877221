import type { MeanInterval, MetricComparison } from '@steper/core';

/** Markdown pieces shared by the experiment's and the analyses' reports. */

export const pct = (x: number) => (100 * x).toFixed(1);

/** "mean [low, high]", scaled (percent by default); "–" when there is no interval. */
export function withCi(
  i:
    | Pick<MeanInterval, 'mean' | 'ci'>
    | { mean: number | null; ci: [number, number] | null }
    | null
    | undefined,
  scale = 100,
  digits = 1,
): string {
  if (!i || i.mean === null) return '–';
  const m = (scale * i.mean).toFixed(digits);
  return i.ci ? `${m} [${(scale * i.ci[0]).toFixed(digits)}, ${(scale * i.ci[1]).toFixed(digits)}]` : m;
}

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The cells of one paired test: A, B, A − B [CI], paired-bootstrap p, McNemar p. */
export function pairedCells(x: MetricComparison): string[] {
  return [
    pct(x.meanA),
    pct(x.meanB),
    `${pct(x.diff)}${x.ci ? ` [${pct(x.ci[0])}, ${pct(x.ci[1])}]` : ''}`,
    x.pValue.toFixed(4),
    x.mcnemar ? x.mcnemar.pValue.toFixed(4) : '–',
  ];
}

export const PAIRED_HEADER = ['A', 'B', 'A − B [95% CI]', 'p (paired bootstrap)', 'p (McNemar)'];

/** The notice every smoke-sized report carries. */
export function probeNote(preset: string): string {
  return `> **A probe: it claims nothing.** The \`${preset}\` preset is marked \`claims: false\`: its students pass the bar on the primary metric, but the run is a step towards a recipe (fewer seeds or questions than a claim needs), not the experiment's result.\n`;
}

export function noClaims(preset: string): string {
  return `> **This is a smoke run: it claims nothing.** The \`${preset}\` preset checks that the pipeline runs end to end; its students are far too small and too briefly trained for the numbers to mean anything.\n`;
}
