import { accuracy, exactMatch } from '../../metrics/answer';
import type { Question } from '../../types/data';
import { ANSWER_FLAGS, type Trace } from '../../types/trace';
import { asksFact, beforeFlag, isFirstHop, statementSchedule } from './evidence-match';
import { judgedSteps, subQuestionsOf } from './inputs';
import type { Judge, RationaleVerdict, Score01, StageVerdict } from './types';

export const OFFLINE_JUDGE_LABEL = 'offline evidence judge (no LM)';

export interface OfflineJudgeOptions {
  /** Token share of a fact sentence a step must contain to state a fact that has no usable answer; default 0.7. */
  factRecall?: number;
  /** Token share of a gold sub-question a Self-Ask follow-up must contain to ask it; default 0.5. */
  followUpRecall?: number;
  /** How the final answer is checked for aggregation; default 'acc' (gold contained in the prediction). */
  answerMetric?: 'em' | 'acc';
}

const bit = (ok: boolean): Score01 => (ok ? 1 : 0);

/**
 * Scores the same criteria as the LM judge from the gold evidence, where it is exact (the
 * synthetic world): no LM, deterministic, labelled "offline evidence judge (no LM)".
 * - initialization: the first step written states a first-hop fact (the first gold fact, or one
 *   whose subject the question names), or — Self-Ask — asks a first-hop sub-question;
 * - expansion: the expansion steps state at least one gold fact not stated before, and no fact
 *   that depends on the previous hop is stated before that hop; null without expansion steps;
 * - aggregation: the prediction is correct and every gold fact is stated in the chain or the
 *   aggregation output, so the answer follows from the chain;
 * - rationale validity: a sub-question is answered when the rationale states its fact (names
 *   its answer, read as for the stages).
 * The answer given after the answer flag never states a fact by itself: the last hop's value is
 * the final answer, so counting it would credit a bare guess with the whole chain.
 */
export class OfflineEvidenceJudge implements Judge {
  readonly label = OFFLINE_JUDGE_LABEL;
  private readonly factRecall: number;
  private readonly followUpRecall: number;
  private readonly answerMetric: 'em' | 'acc';

  constructor(options: OfflineJudgeOptions = {}) {
    this.factRecall = options.factRecall ?? 0.7;
    this.followUpRecall = options.followUpRecall ?? 0.5;
    this.answerMetric = options.answerMetric ?? 'acc';
    for (const [name, value] of [
      ['factRecall', this.factRecall],
      ['followUpRecall', this.followUpRecall],
    ] as const) {
      if (!(value > 0 && value <= 1)) {
        throw new RangeError(`OfflineEvidenceJudge: ${name} must be in (0, 1] (got ${value}).`);
      }
    }
  }

  async judgeStages(trace: Trace, question: Question, signal?: AbortSignal): Promise<StageVerdict> {
    signal?.throwIfAborted();
    return { questionId: trace.questionId, judge: this.label, ...this.scoreStages(trace, question) };
  }

  async judgeRationale(trace: Trace, question: Question, signal?: AbortSignal): Promise<RationaleVerdict> {
    signal?.throwIfAborted();
    const subQuestions = subQuestionsOf(question);
    const facts = question.evidence;
    const asked = facts.flatMap((fact, i) => (fact.subQuestion !== undefined ? [i] : []));
    const texts = [...trace.chain, beforeFlag(trace.finalOutput, ANSWER_FLAGS[trace.loop])];
    const stated = new Set(statementSchedule(texts, facts, question.question, this.factRecall).flat());
    const answered = asked.map((i) => stated.has(i));
    const raw = subQuestions
      .map(
        (sq, k) =>
          `sub-question ${k + 1}: answer "${sq.answer}" ${answered[k] ? 'stated' : 'not stated'} in the rationale`,
      )
      .join('; ');
    return { questionId: trace.questionId, judge: this.label, answered, raw };
  }

  /** The three stage scores with the reasons behind them. */
  scoreStages(trace: Trace, question: Question): Omit<StageVerdict, 'questionId' | 'judge'> {
    const facts = question.evidence;
    if (facts.length === 0) {
      throw new Error(
        `OfflineEvidenceJudge: question "${question.id}" has no gold evidence; the offline judge scores from evidence (the synthetic world has it). Use an LM judge for this question set.`,
      );
    }
    const q = question.question;
    const steps = judgedSteps(trace);
    const chainSteps = steps.filter((s) => s.stage !== 'agg');
    const aggReasoning = beforeFlag(steps[steps.length - 1]!.text, ANSWER_FLAGS[trace.loop]);
    // Read in order: the kept chain, then the aggregation output before the answer flag.
    const schedule = statementSchedule(
      [...chainSteps.map((s) => s.text), aggReasoning],
      facts,
      q,
      this.factRecall,
    );
    const aggStates = schedule[schedule.length - 1]!;
    // Step at which each fact is first stated in the kept chain (Infinity: never).
    const firstStated = facts.map(
      (_, i) => chainSteps.find((_, k) => schedule[k]!.includes(i))?.step ?? Infinity,
    );
    const firstHops = facts.map((fact, i) => isFirstHop(fact, i, q));

    // With no kept chain (single-step, no-retrieval), the first step written is the aggregation.
    const first = steps[0]!;
    const firstText = first.stage === 'agg' ? aggReasoning : first.text;
    const initFacts = facts.flatMap((fact, i) =>
      firstHops[i] && (schedule[0]!.includes(i) || asksFact(firstText, fact, this.followUpRecall)) ? [i] : [],
    );
    const initialization = bit(initFacts.length > 0);

    const expSteps = new Set(chainSteps.filter((s) => s.stage === 'exp').map((s) => s.step));
    let expansion: Score01 | null = null;
    const newFacts = facts.flatMap((_, i) => (expSteps.has(firstStated[i]!) ? [i] : []));
    const outOfOrder = facts.flatMap((_, i) =>
      i > 0 && !firstHops[i] && Number.isFinite(firstStated[i]) && firstStated[i - 1]! > firstStated[i]!
        ? [i]
        : [],
    );
    if (expSteps.size > 0) expansion = bit(newFacts.length > 0 && outOfOrder.length === 0);

    const unstated = facts.flatMap((_, i) =>
      Number.isFinite(firstStated[i]) || aggStates.includes(i) ? [] : [i],
    );
    const score = this.answerMetric === 'em' ? exactMatch : accuracy;
    const correct = score(trace.prediction, question.answers) === 1;
    const aggregation = bit(correct && unstated.length === 0);

    const list = (ids: number[]) => (ids.length === 0 ? 'none' : ids.map((i) => `evidence[${i}]`).join(', '));
    const raw = [
      `initialization ${initialization}: first-hop facts stated or asked at step ${first.step}: ${list(initFacts)}`,
      expansion === null
        ? 'expansion N/A: no expansion step'
        : `expansion ${expansion}: new facts stated in expansion steps: ${list(newFacts)}; stated before the hop they depend on: ${list(outOfOrder)}`,
      `aggregation ${aggregation}: prediction ${correct ? 'correct' : 'wrong'} (${this.answerMetric}); facts never stated: ${list(unstated)}`,
    ].join('\n');
    return { initialization, expansion, aggregation, raw };
  }
}
