import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeanInterval, Question } from '@steper/core';
import { UserError } from '../errors';
import { pct, table, withCi } from '../experiment/markdown';
import { heatmapSvg, svgToPng } from '../experiment/plots';
import { pooledRow, type SeedRun } from '../experiment/pooled';
import { contentKey } from '../experiment/steps';
import { OBJECTIVE_NAMES, type Objective } from '../experiment/students';
import { writeFileAtomicSync } from '../store/blobs';
import type { AnalysisContext, AnalysisOutput } from './context';
import type { AnalysisPreset } from './presets';
import { analysisPath, type StudentsWorld, studentSystem, studentsWorld } from './shared';

type Domain = AnalysisPreset['figure5']['domains'][number];

export const SYNTHETIC_DOMAINS_NOTE =
  "Domains are the synthetic world's question types, grouped (not separate datasets as in the paper): a student trained on one group's step data is evaluated on every group's held-out questions.";

export interface Figure5Cell {
  /** Acc and EM over all seeds (question × seed rows), 95% CIs. */
  acc: MeanInterval;
  em: MeanInterval;
  evaluationIds: string[];
}

export interface Figure5Matrix {
  objective: string;
  name: string;
  /** cells[i][j]: trained on domains[i], evaluated on domains[j]. */
  cells: Figure5Cell[][];
  trainingRunIds: string[][];
}

export interface Figure5Result {
  domains: {
    name: string;
    types: string[];
    trainQuestions: number;
    testQuestions: number;
    testQuestionSetId: string;
  }[];
  note: string;
  matrices: Figure5Matrix[];
}

/** The step examples of one domain's training questions, written once per content into the workspace. */
function domainExamples(ctx: AnalysisContext, sw: StudentsWorld, domain: Domain, types: Map<string, string>) {
  const lines = readFileSync(sw.world.examples, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line.trim()) return false;
      const { questionId } = JSON.parse(line) as { questionId: string };
      return domain.types.includes(types.get(questionId) as never);
    });
  const questions = new Set(lines.map((l) => (JSON.parse(l) as { questionId: string }).questionId));
  const path = analysisPath(ctx, `train-${domain.name}-${contentKey(lines)}.jsonl`);
  if (!existsSync(path)) writeFileAtomicSync(path, lines.map((l) => `${l}\n`).join(''));
  return { path, questions: questions.size };
}

/** One domain's held-out questions as a question set (created once, then found again by id). */
function domainQuestionSet(ctx: AnalysisContext, sw: StudentsWorld, domain: Domain, limit: number) {
  const { store } = ctx.wb;
  const from = sw.world.evalBase.questionSetId;
  const picked = store.questionSets
    .questions(from)
    .filter((q) => domain.types.includes(q.type as never))
    .slice(0, limit);
  const id = `qset_domain_${contentKey({ from, domain, limit })}`;
  if (!store.questionSets.get(id) && picked.length > 0) {
    store.questionSets.create({
      id,
      name: `Synthetic world · test · ${domain.name} (${domain.types.join(', ')})`,
      dataset: 'synthetic',
      source: { domain: domain.name, types: domain.types, from },
      questions: picked,
    });
  }
  return { id, questions: picked };
}

/**
 * Figure 5: out-of-domain transfer as a matrix — for each objective, a student per training
 * domain (same init and order per seed), each evaluated with IRCoT on every domain's held-out
 * questions. On the synthetic world the domains are its question types, labelled as such.
 */
export async function runFigure5(ctx: AnalysisContext): Promise<Figure5Result> {
  const { objectives, domains, questionsPerDomain } = ctx.preset.figure5;
  const { seeds } = ctx.preset.base;
  const n = domains.length;
  ctx.plan(2 * objectives.length * seeds.length * n * n);
  const sw = await studentsWorld(ctx);
  const { store } = ctx.wb;
  const trainTypes = new Map(
    store.questionSets.questions(sw.world.demo.questionSetIds.train).map((q) => [q.id, q.type ?? '']),
  );
  const prepared = domains.map((domain) => {
    const train = domainExamples(ctx, sw, domain, trainTypes);
    const test = domainQuestionSet(ctx, sw, domain, questionsPerDomain);
    if (train.questions === 0 || test.questions.length === 0) {
      throw new UserError(
        'PRECONDITION_FAILED',
        `Figure 5: domain "${domain.name}" (${domain.types.join(', ')}) has ${train.questions} training questions with step data and ${test.questions.length} test questions; use a bigger world (preset) or other domains.`,
      );
    }
    return { domain, train, test };
  });
  const matrices: Figure5Matrix[] = [];
  for (const objective of objectives as Objective[]) {
    const runs: SeedRun[][][] = domains.map(() => domains.map(() => []));
    const ids: string[][][] = domains.map(() => domains.map(() => []));
    const trainingRunIds: string[][] = domains.map(() => []);
    for (const init of sw.inits) {
      for (const [i, from] of prepared.entries()) {
        const setup = { ...sw.setup, examples: from.train.path, datasetId: undefined };
        for (const [j, to] of prepared.entries()) {
          const name = `${OBJECTIVE_NAMES[objective]} · ${from.domain.name} → ${to.domain.name} · seed ${init.seed}`;
          const base = { ...sw.world.evalBase, questionSetId: to.test.id, limit: to.test.questions.length };
          // The same student for every target domain: training is found again by its content key.
          const { student, evaluation } = await studentSystem(
            ctx,
            sw,
            init,
            {
              name: `${OBJECTIVE_NAMES[objective]} · trained on ${from.domain.name} · seed ${init.seed}`,
              objective,
            },
            { setup, base, evalName: name },
          );
          if (j === 0) trainingRunIds[i]!.push(student.trainingRunId);
          ids[i]![j]!.push(evaluation.evaluationId);
          runs[i]![j]!.push({
            seed: init.seed,
            traces: store.evaluations.allTraces(evaluation.evaluationId).map((t) => t.trace),
          });
        }
      }
    }
    const cells = prepared.map((_, i) =>
      prepared.map((to, j): Figure5Cell => {
        const questions: Question[] = to.test.questions;
        const pooled = pooledRow({ name: '', group: '', objective, budget: null }, runs[i]![j]!, questions);
        return {
          acc: pooled.summary.intervals.acc!,
          em: pooled.summary.intervals.em!,
          evaluationIds: ids[i]![j]!,
        };
      }),
    );
    matrices.push({ objective, name: OBJECTIVE_NAMES[objective], cells, trainingRunIds });
  }
  return {
    domains: prepared.map((p) => ({
      name: p.domain.name,
      types: p.domain.types,
      trainQuestions: p.train.questions,
      testQuestions: p.test.questions.length,
      testQuestionSetId: p.test.id,
    })),
    note: SYNTHETIC_DOMAINS_NOTE,
    matrices,
  };
}

export const figure5File = (m: Pick<Figure5Matrix, 'objective'>) => `figure5-${m.objective}.png`;

export function renderFigure5(r: Figure5Result): string {
  const names = r.domains.map((d) => d.name);
  const matrixTable = (m: Figure5Matrix) =>
    table(
      ['Trained on ↓ / evaluated on →', ...names],
      m.cells.map((row, i) => [
        names[i]!,
        ...row.map((c, j) => `${i === j ? '**' : ''}${withCi(c.acc)}${i === j ? '**' : ''}`),
      ]),
    );
  const diff =
    r.matrices.length >= 2
      ? `## ${r.matrices[1]!.name} − ${r.matrices[0]!.name} (Acc, points)\n\n${table(
          ['Trained on ↓ / evaluated on →', ...names],
          r.matrices[1]!.cells.map((row, i) => [
            names[i]!,
            ...row.map((c, j) => pct(c.acc.mean - r.matrices[0]!.cells[i]![j]!.acc.mean)),
          ]),
        )}\n`
      : '';
  const domainTable = table(
    ['Domain', 'Question types', 'Training questions (kept step data)', 'Test questions'],
    r.domains.map((d) => [d.name, d.types.join(', '), String(d.trainQuestions), String(d.testQuestions)]),
  );
  return `## Figure 5 — out-of-domain transfer (Acc %, 95% CI over question × seed rows; in-domain in bold)

${r.note}

${domainTable}

${r.matrices
  .map((m) => `### ${m.name}\n\n${matrixTable(m)}\n\n![Figure 5: ${m.name}](${figure5File(m)})`)
  .join('\n\n')}

${diff}`;
}

export function figure5Png(r: Figure5Result, m: Figure5Matrix): Buffer {
  return svgToPng(
    heatmapSvg({
      title: `Out-of-domain Acc (%) — ${m.name} (synthetic question types)`,
      rowLabel: 'trained on',
      colLabel: 'evaluated on',
      rows: r.domains.map((d) => d.name),
      cols: r.domains.map((d) => d.name),
      values: m.cells.map((row) => row.map((c) => c.acc.mean)),
    }),
  );
}

export async function figure5(ctx: AnalysisContext): Promise<AnalysisOutput<Figure5Result>> {
  const result = await runFigure5(ctx);
  const figures: Record<string, string> = {};
  for (const m of result.matrices) {
    writeFileSync(join(ctx.out, figure5File(m)), figure5Png(result, m));
    figures[figure5File(m)] = `transfer matrix of ${m.name}`;
  }
  return { result, markdown: renderFigure5(result), figures };
}
