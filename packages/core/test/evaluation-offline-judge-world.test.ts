import { describe, expect, it } from 'vitest';
import {
  accuracy,
  Bm25Retriever,
  EvidenceTeacher,
  generateSyntheticWorld,
  OfflineEvidenceJudge,
  type Question,
  runLoop,
  summarizeStageVerdicts,
} from '../src';

/**
 * The offline judge against the offline evidence teacher on the synthetic world: with guesses
 * turned off, the teacher answers correctly exactly when it stated every fact from a retrieved
 * passage, and it states the first fact exactly when that fact's passage came back at step 1.
 */
const world = generateSyntheticWorld({ seed: 7, passages: 400, questions: 80 });
const questions: Question[] = world.questions.slice(0, 40);
// BM25 finds first hops easily (the question names them): hide every third question's first
// passage so some traces start wrong.
const hidden = new Set(questions.flatMap((q, i) => (i % 3 === 0 ? [q.evidence[0]!.passageId!] : [])));
const retriever = Bm25Retriever.fromPassages(world.corpus.filter((p) => !hidden.has(p.id)));
const teacher = new EvidenceTeacher({ guessShare: 0 });
const judge = new OfflineEvidenceJudge();

describe('offline evidence judge on evidence-teacher traces', () => {
  it('IRCoT: initialization tracks first-step retrieval, aggregation tracks correctness', async () => {
    const verdicts = [];
    for (const question of questions) {
      const trace = await runLoop(question, {
        retriever,
        generator: teacher,
        config: { loop: 'ircot', topK: 2 },
      });
      const verdict = await judge.judgeStages(trace, question);
      verdicts.push(verdict);
      const firstFact = question.evidence[0]!;
      const retrievedFirst = trace.steps[0]!.accessibleIds.includes(firstFact.passageId!);
      expect(verdict.initialization, question.id).toBe(retrievedFirst ? 1 : 0);
      expect(verdict.aggregation, question.id).toBe(accuracy(trace.prediction, question.answers));
      // A correct answer means every fact was stated in order, so any expansion step added one.
      if (verdict.aggregation === 1 && verdict.expansion !== null)
        expect(verdict.expansion, question.id).toBe(1);
    }
    const summary = summarizeStageVerdicts(verdicts, { resamples: 200 });
    // The setting must exercise both outcomes for the checks above to mean anything.
    for (const criterion of ['initialization', 'aggregation'] as const) {
      expect(summary[criterion].mean).toBeGreaterThan(0);
      expect(summary[criterion].mean).toBeLessThan(1);
    }
    expect(summary.expansion.n).toBeGreaterThan(0);
  });

  it('Self-Ask: the first unit asks the first sub-question, so initialization is 1', async () => {
    for (const question of questions.slice(0, 15)) {
      const trace = await runLoop(question, {
        retriever,
        generator: teacher,
        config: { loop: 'self-ask', topK: 2 },
      });
      const verdict = await judge.judgeStages(trace, question);
      expect(verdict.initialization, question.id).toBe(1);
      expect(verdict.aggregation, question.id).toBe(accuracy(trace.prediction, question.answers));
    }
  });
});
