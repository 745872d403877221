import { Resvg } from '@resvg/resvg-js';

export interface Series {
  name: string;
  points: { x: number; y: number; yLow?: number; yHigh?: number }[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** 'line' joins each series' points; 'scatter' draws them alone, with error bars when given. */
  kind: 'line' | 'scatter';
  /** Named x positions (a categorical axis) instead of five numeric ticks. */
  xTicks?: { x: number; label: string }[];
  /** A fixed y range (e.g. 0–100 for percentages) instead of one fitted to the points. */
  yRange?: [number, number];
}

const W = 640;
const H = 400;
const M = { left: 64, right: 160, top: 36, bottom: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Enough decimals that five ticks over `span` read as five different numbers. */
const fmt = (v: number, span: number) =>
  v.toFixed(Math.min(6, Math.max(0, Math.ceil(-Math.log10(span / 4)) + 1)));

function range(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

/** A plain SVG chart: axes with five ticks, a legend, nothing a reader must decode. */
export function chartSvg(spec: ChartSpec): string {
  const pts = spec.series.flatMap((s) => s.points);
  const [x0, x1] = range([...pts.map((p) => p.x), ...(spec.xTicks ?? []).map((t) => t.x)]);
  const [y0, y1] = spec.yRange ?? range(pts.flatMap((p) => [p.y, p.yLow ?? p.y, p.yHigh ?? p.y]));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => M.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2}" y="20" text-anchor="middle" font-size="14">${esc(spec.title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="black"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    if (!spec.xTicks)
      out.push(`<text x="${sx(xv)}" y="${M.top + ph + 16}" text-anchor="middle">${fmt(xv, x1 - x0)}</text>`);
    out.push(
      `<text x="${M.left - 6}" y="${sy(yv) + 4}" text-anchor="end">${fmt(yv, y1 - y0)}</text>`,
      `<line x1="${M.left}" y1="${sy(yv)}" x2="${M.left + pw}" y2="${sy(yv)}" stroke="#eee"/>`,
    );
  }
  for (const t of spec.xTicks ?? []) {
    out.push(`<text x="${sx(t.x)}" y="${M.top + ph + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    if (spec.kind === 'line' && s.points.length > 1) {
      const d = s.points
        .map((p, j) => `${j ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
        .join('');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of s.points) {
      if (p.yLow !== undefined && p.yHigh !== undefined) {
        out.push(
          `<line x1="${sx(p.x)}" y1="${sy(p.yLow)}" x2="${sx(p.x)}" y2="${sy(p.yHigh)}" stroke="${color}"/>`,
        );
      }
      if (spec.kind === 'scatter' || s.points.length === 1) {
        out.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="4" fill="${color}"/>`);
      }
    }
    const ly = M.top + 10 + i * 18;
    out.push(
      `<rect x="${W - M.right + 12}" y="${ly - 8}" width="10" height="10" fill="${color}"/>`,
      `<text x="${W - M.right + 28}" y="${ly + 1}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

export interface HeatmapSpec {
  title: string;
  rowLabel: string;
  colLabel: string;
  rows: string[];
  cols: string[];
  /** values[i][j] for row i, column j, in [0, 1]; null is an empty cell. */
  values: (number | null)[][];
}

/** A matrix as coloured cells with their values written in (Figure 5: train domain × test domain). */
export function heatmapSvg(spec: HeatmapSpec): string {
  const cell = 72;
  const left = 150;
  const top = 70;
  // Wide enough for the title at ~7 px a character.
  const w = Math.max(left + cell * spec.cols.length + 24, 7 * spec.title.length + 40);
  const h = top + cell * spec.rows.length + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14">${esc(spec.title)}</text>`,
    `<text x="${left + (cell * spec.cols.length) / 2}" y="42" text-anchor="middle">${esc(spec.colLabel)}</text>`,
    `<text x="8" y="${top - 8}">${esc(spec.rowLabel)}</text>`,
  ];
  spec.cols.forEach((c, j) => {
    out.push(`<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${esc(c)}</text>`);
  });
  spec.rows.forEach((r, i) => {
    out.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(r)}</text>`);
    spec.cols.forEach((_, j) => {
      const v = spec.values[i]?.[j] ?? null;
      // White (0) to blue (1).
      const shade =
        v === null
          ? 'rgb(238,238,238)'
          : `rgb(${Math.round(255 - 224 * v)},${Math.round(255 - 136 * v)},${Math.round(255 - 75 * v)})`;
      const x = left + j * cell;
      const y = top + i * cell;
      out.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${shade}" stroke="#bbb"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${v !== null && v > 0.6 ? 'white' : 'black'}">${v === null ? '–' : (100 * v).toFixed(1)}</text>`,
      );
    });
  });
  out.push('</svg>');
  return out.join('\n');
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng();
}
