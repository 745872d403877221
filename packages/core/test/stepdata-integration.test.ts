import { describe, expect, it } from 'vitest';
import {
  Bm25Retriever,
  buildStepDataset,
  EvidenceTeacher,
  exactMatch,
  type GenerateRequest,
  type GenerateResult,
  type Generator,
  generateSyntheticWorld,
  type LoopName,
  parseStepJsonl,
  runLoop,
  type StepExample,
  type Trace,
  TraceSchema,
  toJsonl,
} from '../src';

/** The embedded default end to end: synthetic world → BM25 → loop + evidence teacher → step data. */
const world = generateSyntheticWorld({ seed: 11, passages: 400, questions: 40 });
const retriever = Bm25Retriever.fromPassages(world.corpus);

async function teach(loop: LoopName, topK = 4): Promise<Trace[]> {
  const teacher = new EvidenceTeacher();
  const traces: Trace[] = [];
  for (const q of world.questions)
    traces.push(await runLoop(q, { retriever, generator: teacher, config: { loop, topK } }));
  return traces;
}

/**
 * A student that has learnt its step data by heart: it continues a prompt with what the
 * matching example's target says next. Used to check that training text and inference text are
 * the same strings.
 */
class ReplayStudent implements Generator {
  readonly label = 'replay student (test)';
  constructor(private readonly examples: StepExample[]) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const own = this.examples.filter((e) => e.questionId === request.context.question.id);
    const exact = own.find((e) => e.prompt + e.knownPrefix === request.prompt);
    const match = exact ?? own.find((e) => (e.prompt + e.target).startsWith(request.prompt));
    if (!match) throw new Error(`step ${request.context.step}: this prompt is not in the step data`);
    return { text: (match.prompt + match.target).slice(request.prompt.length) };
  }
}

describe('synthetic world → BM25 → IRCoT + evidence teacher → filtered step data', () => {
  it('states facts only from retrieved passages and keeps exactly the traces that match gold', async () => {
    const traces = await teach('ircot');
    const questions = new Map(world.questions.map((q) => [q.id, q]));
    for (const trace of traces) {
      expect(() => TraceSchema.parse(trace)).not.toThrow();
      const q = questions.get(trace.questionId)!;
      trace.chain.forEach((sentence, i) => {
        const fact = q.evidence.find((f) => f.text === sentence);
        if (fact?.passageId) expect(trace.steps[i]!.accessibleIds).toContain(fact.passageId);
      });
    }
    const { examples, manifest, kept } = buildStepDataset(traces, { name: 'synthetic-ircot' });
    const matching = traces.filter((t) => exactMatch(t.prediction, t.answers) === 1).map((t) => t.questionId);
    expect(kept).toEqual(matching);
    expect(kept.length).toBeGreaterThan(traces.length / 2);

    const keptTraces = traces.filter((t) => kept.includes(t.questionId));
    expect(manifest.counts).toEqual({
      traces: traces.length,
      kept: kept.length,
      examples: {
        init: keptTraces.filter((t) => t.aggregatedAt >= 2).length,
        exp: keptTraces.reduce((n, t) => n + Math.max(0, t.aggregatedAt - 2), 0),
        agg: kept.length,
      },
    });
    for (const e of examples) {
      expect(e.prompt.startsWith('Wikipedia Title: ')).toBe(true);
      expect(e.prompt.endsWith('\nA:')).toBe(true);
      if (e.stage === 'agg') {
        const t = keptTraces.find((x) => x.questionId === e.questionId)!;
        expect(t.answers.some((a) => e.target.endsWith(`So the answer is: ${a}`))).toBe(true);
      }
    }
    expect(parseStepJsonl(toJsonl(examples))).toEqual(examples);
  });

  it('is deterministic, and a narrower retrieval loses traces the way real ones fail', async () => {
    const a = buildStepDataset(await teach('ircot'), { name: 'x', createdAt: 'fixed' });
    const b = buildStepDataset(await teach('ircot'), { name: 'x', createdAt: 'fixed' });
    expect(toJsonl(b.examples)).toBe(toJsonl(a.examples));
    const narrow = buildStepDataset(await teach('ircot', 1), { name: 'x', filterRule: 'em' });
    expect(narrow.kept.length).toBeLessThan(a.kept.length);
    expect(narrow.dropped.every((d) => d.reason.includes('does not match'))).toBe(true);
  });

  it('a student run on its own step data sees exactly the training prompts and reproduces the traces', async () => {
    for (const loop of ['ircot', 'self-ask'] as const) {
      const traces = await teach(loop);
      const { examples, kept } = buildStepDataset(traces, { name: 'x' });
      const student = new ReplayStudent(examples);
      for (const id of kept.slice(0, 12)) {
        const teacherTrace = traces.find((t) => t.questionId === id)!;
        const q = world.questions.find((x) => x.id === id)!;
        const studentTrace = await runLoop(q, {
          retriever,
          generator: student,
          config: { loop, topK: 4, promptStyle: 'student' },
        });
        expect(studentTrace.chain).toEqual(teacherTrace.chain);
        expect(studentTrace.aggregatedAt).toBe(teacherTrace.aggregatedAt);
        expect(studentTrace.steps.map((s) => s.accessibleIds)).toEqual(
          teacherTrace.steps.map((s) => s.accessibleIds),
        );
        expect(exactMatch(studentTrace.prediction, q.answers)).toBe(1);
      }
    }
  });

  it('Self-Ask over the same world yields units ending in follow-up questions', async () => {
    const traces = await teach('self-ask');
    const { examples, kept } = buildStepDataset(traces, {
      name: 'synthetic-self-ask',
      stepConfig: 'init+agg',
    });
    expect(kept.length).toBeGreaterThan(traces.length / 2);
    for (const e of examples) {
      expect(e.prompt.endsWith('Are follow up questions needed here:')).toBe(true);
      if (e.stage === 'init') expect(e.target).toMatch(/^ Yes\.\nFollow up: .+\?$/);
      else expect(e.target).toMatch(/\nSo the final answer is: .+$/);
    }
  });
});
