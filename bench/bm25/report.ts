/**
 * Prints the BM25 benchmark from the result folders of run.sh: per corpus, build and memory beside
 * bm25s, then each query set's queries/s beside bm25s with the agreement of the top-4 lists; last,
 * the speed-up of every query set on every corpus in one table. bm25s's "lucene" scores leave
 * out Lucene's constant factor (k1 + 1) = 2.2, so its scores are multiplied by 2.2 before they
 * are compared with StepER's.
 *
 *   npx tsx bench/bm25/report.ts ROUNDS DIR…
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const rounds = Number(process.argv[2] ?? 3);
const dirs = process.argv.slice(3);
const LUCENE_FACTOR = 2.2;

const NodeBuild = z.object({
  engine: z.string(),
  kind: z.string(),
  source: z.string(),
  analyzer: z.string(),
  passages: z.number(),
  tokens: z.number(),
  vocabulary: z.number(),
  postings: z.number(),
  buildS: z.number(),
  buildCpuS: z.number(),
  indexArraysMb: z.number(),
  peakRssMb: z.number(),
  fileMb: z.number(),
  saveS: z.number(),
});
const PyBuild = z.object({
  engine: z.string(),
  buildS: z.number(),
  buildCpuS: z.number(),
  saveS: z.number(),
  indexArraysMb: z.number(),
  peakRssMb: z.number(),
});
const PyTokenize = z.object({ tokenizeS: z.number(), peakRssMb: z.number(), stemmer: z.string().nullable() });
const SetRound = z.object({
  name: z.string(),
  wallS: z.number(),
  cpuS: z.number(),
  /** StepER only: the same queries from their text, the analyser included. */
  textWallS: z.number().optional(),
  top: z.array(z.array(z.number())),
  scores: z.array(z.array(z.number())),
});
const Rounds = z.object({ sets: z.array(SetRound) });
type SetResult = z.infer<typeof SetRound>;

const f = (x: number, d = 1) =>
  x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (x: number) => `${f(100 * x, 1)} %`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/**
 * Share of queries whose top-k lists agree up to ties: the same scores at every rank (within
 * float32 noise), so the lists differ at most in which of several equal-scoring documents is
 * listed (bm25s breaks ties arbitrarily, StepER by document number). bm25s pads with zero scores.
 */
function agreement(ours: SetResult, theirs: SetResult): number {
  const close = (x: number, y: number) => Math.abs(x - y) <= 2e-5 * Math.max(x, y);
  let same = 0;
  ours.scores.forEach((as, q) => {
    const bs = theirs.scores[q]!.filter((s) => s > 0).map((s) => s * LUCENE_FACTOR);
    if (as.length === bs.length && as.every((s, i) => close(s, bs[i]!))) same++;
  });
  return same / ours.scores.length;
}

const load = (dir: string, file: string) =>
  existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split(' ').slice(0, 3).join(' ') : '?';
const read = <T>(schema: z.ZodType<T>, dir: string, file: string): T =>
  schema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));

const summary: { config: string; speedups: Map<string, number> }[] = [];
console.log(
  `\nBM25 benchmark — top 4, same tokens both sides, one thread each; ${cpus().length} cores ` +
    `(${cpus()[0]?.model.trim()}); queries/s are the best of ${rounds} alternating rounds. ` +
    'StepER from text: its own analyser run on each query as well, which bm25s is spared (it is ' +
    'given the tokens), against the same bm25s figure',
);
for (const dir of dirs) {
  const node = read(NodeBuild, dir, 'node-build.json');
  const py = read(PyBuild, dir, 'bm25s-build.json');
  const tok = read(PyTokenize, dir, 'bm25s-tokenize.json');
  const ids = Array.from({ length: rounds }, (_, i) => i + 1);
  const ours = ids.map((r) => read(Rounds, dir, `node-queries-${r}.json`).sets);
  const theirs = ids.map((r) => read(Rounds, dir, `bm25s-numba-queries-${r}.json`).sets);
  const config = `${node.kind} ${f(node.passages, 0)}`;
  console.log(`\n== ${config} passages: ${node.source}`);
  console.log(
    `${f(node.tokens, 0)} tokens, ${f(node.vocabulary, 0)} terms, ${f(node.postings, 0)} postings; ` +
      `analyser ${node.analyzer}; load average before / after: ${load(dir, 'load-before.txt')} / ` +
      `${load(dir, 'load-after.txt')} (a shared machine)`,
  );
  console.log(`${node.engine}  vs  ${py.engine}\n`);
  const bm25sBuild = tok.tokenizeS + py.buildS + py.saveS;
  console.log(
    table([
      ['', 'StepER Bm25Index (TS)', 'bm25s (numba)', 'ratio'],
      [
        'build, wall (s)',
        `${f(node.buildS + node.saveS)} (analyse + index + write)`,
        `${f(bm25sBuild)} (tokenize ${f(tok.tokenizeS)} + index ${f(py.buildS)} + save ${f(py.saveS)})`,
        `${f(bm25sBuild / (node.buildS + node.saveS), 2)}×`,
      ],
      [
        'peak RSS (MiB)',
        `${f(node.peakRssMb, 0)} (one process: corpus, build, write)`,
        `${f(py.peakRssMb, 0)} index process, ${f(tok.peakRssMb, 0)} tokenize process`,
        `${f(py.peakRssMb / node.peakRssMb, 2)}×`,
      ],
      ['index arrays (MiB)', f(node.indexArraysMb), f(py.indexArraysMb), ''],
      ['index file (MiB)', f(node.fileMb), '', ''],
    ]),
  );
  const rows: string[][] = [
    [
      'query set',
      'StepER q/s',
      'bm25s q/s',
      'speed-up wall / CPU',
      'StepER from text: q/s, speed-up',
      'same top 4 up to ties',
    ],
  ];
  const speedups = new Map<string, number>();
  ours[0]!.forEach((set, s) => {
    const n = set.top.length;
    const oursWall = Math.min(...ours.map((r) => r[s]!.wallS));
    const oursCpu = Math.min(...ours.map((r) => r[s]!.cpuS));
    const theirWall = Math.min(...theirs.map((r) => r[s]!.wallS));
    const theirCpu = Math.min(...theirs.map((r) => r[s]!.cpuS));
    const textWall = Math.min(...ours.map((r) => r[s]!.textWallS ?? Number.NaN));
    speedups.set(set.name, theirWall / oursWall);
    rows.push([
      `${set.name} (${n})`,
      f(n / oursWall, 0),
      f(n / theirWall, 0),
      `${f(theirWall / oursWall, 2)}× / ${f(theirCpu / oursCpu, 2)}×`,
      `${f(n / textWall, 0)}, ${f(theirWall / textWall, 2)}×`,
      pct(agreement(set, theirs[0]![s]!)),
    ]);
  });
  console.log(`\n${table(rows)}`);
  summary.push({ config, speedups });
}

const names = [...new Set(summary.flatMap((s) => [...s.speedups.keys()]))];
console.log('\nSpeed-up over bm25s (queries/s, wall), every query set on every corpus:\n');
console.log(
  table([
    ['query set', ...summary.map((s) => s.config)],
    ...names.map((n) => [
      n,
      ...summary.map((s) => (s.speedups.has(n) ? `${f(s.speedups.get(n)!, 2)}×` : '')),
    ]),
  ]),
);
