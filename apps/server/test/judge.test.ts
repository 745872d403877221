import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  answeredCorrectly,
  judgedSteps,
  OFFLINE_JUDGE_LABEL,
  type Question,
  rationaleJudgeInput,
  renderRationaleJudgePrompt,
  renderStageJudgePrompt,
  stageJudgeInput,
  subQuestionsOf,
} from '@steper/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVerdicts } from '../src/evaluation/judge/files';
import { listJudgements } from '../src/evaluation/judge/list';
import { startJudgement } from '../src/evaluation/judge/start';
import type { JudgementSummary } from '../src/evaluation/judge/summary';
import { startEvaluation } from '../src/evaluation/start';
import { appRouter } from '../src/routers/_app';
import { createCallerFactory, createContext } from '../src/trpc';
import type { Workbench } from '../src/workbench';
import { runCli } from './support/cli';
import { buildTinyModel, serveModel, TINY_TEXTS, type TinyServer } from './support/tinyTeacher';
import { smallDemo, testWorkbench } from './support/workspace';

const createCaller = createCallerFactory(appRouter);

/** A finished evaluation of the evidence teacher (IRCoT) on the first `limit` questions of a set. */
async function evaluated(wb: Workbench, corpusId: string, questionSetId: string, limit: number) {
  const { evaluation } = await startEvaluation(
    wb,
    { corpusId, questionSetId, limit, bootstrap: { resamples: 500, seed: 1 } },
    { queue: false },
  );
  const job = await wb.runner.runNow('eval', { evaluationId: evaluation.id }, (j) =>
    wb.store.evaluations.setJob(evaluation.id, j.id),
  );
  expect(job.status).toBe('done');
  return evaluation.id;
}

async function runJudgement(wb: Workbench, evaluationId: string, judgementId: string) {
  return wb.runner.runNow('judge', { evaluationId, judgementId });
}

const summaryOf = (wb: Workbench, evaluationId: string, judgementId: string) =>
  listJudgements(wb.store, evaluationId).find((r) => r.judgementId === judgementId)!
    .summary as JudgementSummary;

describe('LM judge against a real OpenAI-compatible server (transformers serve, tiny model)', () => {
  let server: TinyServer;

  beforeAll(async () => {
    server = await serveModel(await buildTinyModel(TINY_TEXTS));
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('judges through the teacher cache, resumes after a cancel without repeating a call, and counts unparseable output', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const evaluationId = await evaluated(wb, demo.corpusId, demo.questionSetIds.test, 3);
    const judge = {
      kind: 'openai' as const,
      baseURL: server.baseURL,
      model: server.model,
      api: 'completions' as const,
      concurrency: 1,
    };
    const { judgement } = await startJudgement(wb, { evaluationId, judge, maxTokens: 8 }, { queue: false });
    const id = judgement.judgementId;
    expect(judgement.judgeLabel).toBe(`LM judge: openai:${server.model}`);

    // Cancel as soon as the first verdict is recorded, then resume.
    const off = wb.runner.subscribe((e) => {
      if (e.job.kind === 'judge' && e.job.status === 'running' && e.job.progress.done === 1)
        wb.runner.cancel(e.job.id);
    });
    const first = await runJudgement(wb, evaluationId, id);
    off();
    expect(first.status).toBe('cancelled');
    expect(readVerdicts(wb.store, evaluationId, id)).toHaveLength(1);
    const resumed = await wb.runner.resumeNow(first.id);
    expect(resumed.status).toBe('done');

    const lines = readVerdicts(wb.store, evaluationId, id);
    expect(new Set(lines.map((l) => l.questionId)).size).toBe(3);
    // Every judge request went out exactly once, cancel and resume included.
    const calls = wb.store.teacherCache.callCounts(id);
    expect(calls.size).toBe(3);
    expect([...calls.values()]).toEqual([1, 1, 1]);

    const summary = summaryOf(wb, evaluationId, id);
    expect(summary.judged + summary.unparseable).toBe(3);
    // The tiny model's text is random: whatever it did not parse is counted, never scored.
    const unparseable = lines.filter((l) => l.status === 'unparseable');
    expect(summary.unparseable).toBe(unparseable.length);
    expect(summary.stages!.questions).toBe(summary.judged);
    if (summary.judged === 0) expect(summary.stages!.initialization.mean).toBeNull();
    for (const l of unparseable)
      expect(l.status === 'unparseable' && l.error).toMatch(/Stage judge: no valid score/);

    // A second judgement with the same judge is served by the cache: no request goes out.
    const before = wb.store.teacherCache.size();
    const again = await startJudgement(wb, { evaluationId, judge, maxTokens: 8 }, { queue: false });
    expect((await runJudgement(wb, evaluationId, again.judgement.judgementId)).status).toBe('done');
    expect(wb.store.teacherCache.size()).toBe(before);
    expect(wb.store.teacherCache.callCounts(again.judgement.judgementId).size).toBe(0);
    const second = summaryOf(wb, evaluationId, again.judgement.judgementId);
    expect([second.judged, second.unparseable]).toEqual([summary.judged, summary.unparseable]);
  }, 300_000);
});

// A loopback double, for what the tiny model cannot produce: a judge that answers well-formed
// verdicts (chosen per question, so the expected scores are known), and malformed ones on cue.
interface JudgeDouble {
  baseURL: string;
  prompts: string[];
  close(): Promise<void>;
}

async function startJudgeDouble(answer: (prompt: string) => string): Promise<JudgeDouble> {
  const prompts: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c as Buffer));
    req.on('end', () => {
      if (req.method === 'GET') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ object: 'list', data: [] }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: { content: string }[] };
      const prompt = body.messages.map((m) => m.content).join('\n');
      prompts.push(prompt);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer(prompt) } },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    prompts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The question a judge prompt is about ("Question: …" line of both templates). */
const questionIn = (prompt: string) => /^Question: (.*)$/m.exec(prompt)![1]!;

describe('judge jobs over a judge that answers well-formed verdicts (loopback double)', () => {
  it('stage and rationale criteria: exact prompts, known SQA / RI / stage means with CIs, unparseable counted', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    // SubQA-shaped questions: exactly two sub-questions each.
    const two = [
      ...wb.store.questionSets.questions(demo.questionSetIds.test),
      ...wb.store.questionSets.questions(demo.questionSetIds.dev),
    ]
      .filter((q) => subQuestionsOf(q).length === 2)
      .slice(0, 6);
    expect(two).toHaveLength(6);
    const set = wb.store.questionSets.create({
      name: 'two-hop',
      dataset: 'synthetic',
      source: {},
      questions: two,
    });
    const evaluationId = await evaluated(wb, demo.corpusId, set.id, 6);
    const traces = wb.store.evaluations.allTraces(evaluationId).map((t) => t.trace);
    const byText = new Map(two.map((q, i) => [q.question, i]));

    // Per question i: rationale answers, and stage answers (i = 2 and 5 answer malformed).
    const rationale = [
      'Sub-question 1: yes\nSub-question 2: yes',
      'Sub-question 1: no\nSub-question 2: no',
      'I cannot tell.',
      '**Sub-question 1**: yes\nSub-question 2: no',
      '{"sub-question 1": "yes", "sub-question 2": true}',
      'Sub-question 1: yes',
    ];
    const stages = [
      'Initialization: 1\nExpansion: 1\nAggregation: 1',
      'Initialization: 0\nExpansion: N/A\nAggregation: 1',
      'Initialization: <0 or 1>',
      'Initialization: 1\nExpansion: 0\nAggregation: 0',
      '{"initialization": 1, "expansion": 0, "aggregation": 1}',
      'Aggregation: 1',
    ];
    const double = await startJudgeDouble((prompt) => {
      const i = byText.get(questionIn(prompt))!;
      return prompt.includes('Sub-question 1:') ? rationale[i]! : stages[i]!;
    });
    try {
      const judge = { kind: 'openai' as const, baseURL: double.baseURL, model: 'double', maxRetries: 0 };
      const api = createCaller(createContext(wb)());
      wb.runner.start();
      const r = await api.evaluations.judge({ evaluationId, judge, criteria: 'rationale' });
      const s = await api.evaluations.judge({ evaluationId, judge, criteria: 'stages' });
      for (const started of [r, s]) expect((await wb.runner.waitFor(started.job!.id)).status).toBe('done');

      // Both prompts exactly as core renders them.
      const qOf = (t: (typeof traces)[number]) => two.find((q) => q.id === t.questionId)! as Question;
      for (const t of traces) {
        expect(double.prompts).toContain(renderRationaleJudgePrompt(rationaleJudgeInput(t, qOf(t))));
        expect(double.prompts).toContain(renderStageJudgePrompt(stageJudgeInput(t)));
      }

      const rows = await api.evaluations.judgements({ id: evaluationId });
      expect(rows).toHaveLength(2);
      const rs = rows.find((x) => x.judgementId === r.judgement.judgementId)!.summary!;
      expect(rs.judge).toBe('LM judge: openai:double');
      expect([rs.judged, rs.unparseable, rs.questions]).toEqual([4, 2, 6]);
      expect(rs.unparseableQuestionIds.sort()).toEqual([two[2]!.id, two[5]!.id].sort());
      // SQA over the judged questions 0, 1, 3, 4: (1 + 0 + 0.5 + 1) / 4.
      expect(rs.rationale!.sqa.mean).toBeCloseTo(0.625, 12);
      expect(rs.rationale!.sqa.n).toBe(4);
      const [lo, hi] = rs.rationale!.sqa.ci!;
      expect(lo).toBeLessThanOrEqual(0.625);
      expect(hi).toBeGreaterThanOrEqual(0.625);
      // RI: among the judged questions answered correctly, those with both sub-questions answered (0 and 4).
      const correct = [0, 1, 3, 4].filter((i) =>
        answeredCorrectly(traces.find((t) => t.questionId === two[i]!.id)!, two[i]!),
      );
      expect(rs.rationale!.correct).toBe(correct.length);
      expect(correct.length).toBeGreaterThan(0);
      expect(rs.rationale!.ri.mean).toBeCloseTo(
        correct.filter((i) => i === 0 || i === 4).length / correct.length,
        12,
      );

      const ss = rows.find((x) => x.judgementId === s.judgement.judgementId)!.summary!;
      expect([ss.judged, ss.unparseable]).toEqual([4, 2]);
      expect(ss.stages!.initialization.mean).toBeCloseTo(3 / 4, 12);
      expect(ss.stages!.aggregation.mean).toBeCloseTo(3 / 4, 12);
      // Expansion counts only traces that have an expansion step, whatever the judge wrote.
      const expanded = [0, 1, 3, 4].filter((i) =>
        judgedSteps(traces.find((t) => t.questionId === two[i]!.id)!).some((x) => x.stage === 'exp'),
      );
      const expScore: (number | null)[] = [1, null, null, 0, 0];
      const expValues = expanded.flatMap((i) => (expScore[i] === null ? [] : [expScore[i]!]));
      expect(ss.stages!.expansion.n).toBe(expValues.length);
      if (expValues.length > 0)
        expect(ss.stages!.expansion.mean).toBeCloseTo(
          expValues.reduce((a, b) => a + b, 0) / expValues.length,
          12,
        );
    } finally {
      await double.close();
    }
  }, 120_000);
});

describe('offline evidence judge and bad input', () => {
  it('CLI: judges offline, labelled as such, agreeing with the evaluation’s own offline stage scores', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const evaluationId = await evaluated(wb, demo.corpusId, demo.questionSetIds.test, 6);
    const workspace = wb.store.path('.');
    await wb.close();
    const stagesRun = await runCli([
      'judge',
      '--workspace',
      workspace,
      '--evaluation',
      evaluationId,
      '--offline',
    ]);
    expect(stagesRun.stderr).toContain(OFFLINE_JUDGE_LABEL);
    expect(stagesRun.stderr).toMatch(/6 judged of 6 · Initialization \d+\.\d/);
    expect(stagesRun.code).toBe(0);
    const rationaleRun = await runCli([
      'judge',
      '--workspace',
      workspace,
      '--evaluation',
      evaluationId,
      '--offline',
      '--criteria',
      'rationale',
    ]);
    expect(rationaleRun.code).toBe(0);
    expect(rationaleRun.stderr).toMatch(/SQA \d+\.\d \[\d+\.\d, \d+\.\d\] · RI/);
    const both = await runCli([
      'judge',
      '--workspace',
      workspace,
      '--evaluation',
      evaluationId,
      '--offline',
      '--base-url',
      'http://127.0.0.1:9/v1',
    ]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/Name one judge/);

    const wb2 = testWorkbench({ workspace });
    const rows = listJudgements(wb2.store, evaluationId);
    expect(rows.map((r) => r.judgementId)).toEqual([stagesRun.stdout.trim(), rationaleRun.stdout.trim()]);
    const offline = rows[0]!.summary!;
    expect(offline.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(offline.offline).toBe(true);
    const builtIn = (
      wb2.store.evaluations.require(evaluationId).metrics as { offlineJudge: JudgementSummary['stages'] }
    ).offlineJudge!;
    expect(offline.stages!.initialization.mean).toBe(builtIn.initialization.mean);
    expect(offline.stages!.aggregation.mean).toBe(builtIn.aggregation.mean);
    expect(rows[1]!.summary!.rationale!.sqa.n).toBe(6);
  }, 180_000);

  it('a verdict line cut short by a kill is skipped by readers and re-judged by the resumed job', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const evaluationId = await evaluated(wb, demo.corpusId, demo.questionSetIds.test, 4);
    const { judgement } = await startJudgement(wb, { evaluationId }, { queue: false });
    const id = judgement.judgementId;
    expect((await runJudgement(wb, evaluationId, id)).status).toBe('done');
    const file = wb.store.path(join('judgements', evaluationId, id, 'verdicts.jsonl'));
    const whole = readFileSync(file, 'utf8');
    const lines = whole.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    // The last line half written, as a kill mid-append leaves it.
    const cut = `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 20)}`;
    writeFileSync(file, cut);
    expect(readVerdicts(wb.store, evaluationId, id)).toHaveLength(3);
    expect(readFileSync(file, 'utf8')).toBe(cut);
    expect((await runJudgement(wb, evaluationId, id)).status).toBe('done');
    expect(readFileSync(file, 'utf8')).toBe(whole);
    // A bad line in the middle is an error naming it.
    writeFileSync(file, `${lines[0]}\nnot json\n${lines[1]}\n`);
    expect(() => readVerdicts(wb.store, evaluationId, id)).toThrow(
      /verdicts\.jsonl:2: not a verdict line \(not JSON\)/,
    );
  }, 120_000);

  it('refuses an unfinished evaluation, questions without sub-questions, and unknown ids, writing nothing', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = createCaller(createContext(wb)());
    const { evaluation } = await startEvaluation(
      wb,
      { corpusId: demo.corpusId, questionSetId: demo.questionSetIds.test, limit: 2 },
      { queue: false },
    );
    await expect(api.evaluations.judge({ evaluationId: evaluation.id })).rejects.toThrow(
      /is queued: judge it once it is done/,
    );
    const bare = wb.store.questionSets
      .questions(demo.questionSetIds.test)
      .slice(0, 2)
      .map((q) => ({ ...q, evidence: q.evidence.map(({ subQuestion: _, ...f }) => f) }));
    const set = wb.store.questionSets.create({
      name: 'no sub-questions',
      dataset: 'synthetic',
      source: {},
      questions: bare,
    });
    const evaluationId = await evaluated(wb, demo.corpusId, set.id, 2);
    await expect(api.evaluations.judge({ evaluationId, criteria: 'rationale' })).rejects.toThrow(
      /carries sub-questions/,
    );
    expect(await api.evaluations.judgements({ id: evaluationId })).toEqual([]);
    expect(wb.store.jobs.list({ kind: 'judge' })).toHaveLength(0);
    await expect(api.evaluations.judgements({ id: 'eval_nope' })).rejects.toThrow(
      /Unknown evaluation id "eval_nope"/,
    );
  }, 120_000);
});
