import { chartSvg, svgToPng } from './plots';
import type { SigmaSeries, SystemResult } from './report';

/** Figure 6: accuracy against latency per question, one point (with its Acc CI) per system. */
export function accuracyLatencyPng(systems: readonly Pick<SystemResult, 'name' | 'summary'>[]): Buffer {
  return svgToPng(
    chartSvg({
      title: 'Accuracy vs latency (IRCoT, held-out)',
      xLabel: 'latency per question (ms)',
      yLabel: 'Acc (%)',
      kind: 'scatter',
      series: systems.map((s) => ({
        name: s.name.replace(' · seed ', ' s'),
        points: [
          {
            x: s.summary.latencyMs,
            y: 100 * s.summary.acc,
            yLow: 100 * (s.summary.intervals.acc?.ci[0] ?? s.summary.acc),
            yHigh: 100 * (s.summary.intervals.acc?.ci[1] ?? s.summary.acc),
          },
        ],
      })),
    }),
  );
}

/** Figure 7: σ̃ per stage over optimizer steps. */
export function sigmaPng(series: readonly SigmaSeries[]): Buffer {
  return svgToPng(
    chartSvg({
      title: 'Normalised σ̃ per stage (StepER difficulty-aware)',
      xLabel: 'optimizer step',
      yLabel: 'σ̃',
      kind: 'line',
      series: series.map((s) => ({ name: s.name, points: s.points.map((p) => ({ x: p.x, y: p.y })) })),
    }),
  );
}
