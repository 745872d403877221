import { normalizeAnswer } from '../metrics';
import { FOLLOW_UP, INTERMEDIATE_ANSWER } from '../prompts/self-ask';
import type { EvidenceFact, Passage } from '../types/data';
import type { GenerateRequest, GenerateResult, GenerationContext, Generator } from '../types/generator';
import { ANSWER_FLAGS } from '../types/trace';
import { plausibleGuess, rngFor } from './guess';
import { cannotFindSentence, followUpQuestion, guessSentence } from './phrasing';
import { type Attempt, replayAttempts, statedForm } from './replay';

export interface EvidenceTeacherOptions {
  /** When a fact's passage is missing: the share of wrong guesses (the rest say "cannot find"). */
  guessShare?: number;
}

export const EVIDENCE_TEACHER_LABEL = 'evidence teacher (offline, no LM)';

/**
 * A teacher that needs no LM (DESIGN.md §3). It reads the structured request context, never the
 * prompt: at each step it states the next gold evidence fact, but only when the passage stating
 * it (by id, else by title) is among the accessible passages P_≤s. Otherwise it says it cannot
 * find it (and gives up) or states a plausible wrong value (and goes on with it), chosen by a
 * seed from the question id and step, so traces fail the way real ones do, deterministically.
 */
export class EvidenceTeacher implements Generator {
  readonly label = EVIDENCE_TEACHER_LABEL;
  private readonly guessShare: number;

  constructor(options: EvidenceTeacherOptions = {}) {
    this.guessShare = options.guessShare ?? 0.5;
    if (!(this.guessShare >= 0 && this.guessShare <= 1)) {
      throw new Error(`EvidenceTeacher: guessShare must be in [0, 1] (got ${options.guessShare})`);
    }
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    signal?.throwIfAborted();
    return { text: this.respond(request.context) };
  }

  /** The continuation for one step, in the loop's format. */
  respond(context: GenerationContext): string {
    const facts = context.question.evidence;
    const attempts = replayAttempts(context.loop, facts, context.chain);
    if (context.stage === 'agg') return this.conclude(context, attempts);
    return context.loop === 'self-ask'
      ? this.selfAskStep(context, attempts)
      : this.ircotStep(context, attempts);
  }

  private ircotStep(context: GenerationContext, attempts: Attempt[]): string {
    const facts = context.question.evidence;
    const flag = ANSWER_FLAGS[context.loop];
    const i = attempts.length;
    if (i >= facts.length || isLost(attempts)) return ` ${flag} ${this.finalAnswer(context, attempts)}`;
    return ` ${this.attempt(context, i, attempts).text}`;
  }

  private selfAskStep(context: GenerationContext, attempts: Attempt[]): string {
    const facts = context.question.evidence;
    const flag = ANSWER_FLAGS[context.loop];
    if (context.chain.length === 0) {
      if (facts.length === 0) return ` No.\n${flag} ${this.finalAnswer(context, attempts)}`;
      return ` Yes.\n${FOLLOW_UP} ${followUpQuestion(facts, 0, [])}`;
    }
    const i = attempts.length;
    if (i >= facts.length || isLost(attempts)) return `\n${flag} ${this.finalAnswer(context, attempts)}`;
    const attempt = this.attempt(context, i, attempts);
    const answerLine = `\n${INTERMEDIATE_ANSWER} ${attempt.text}`;
    if (attempt.kind === 'unknown') return answerLine;
    const believed = [...attempts, attempt].map((a) => a.value);
    if (i + 1 < facts.length)
      return `${answerLine}\n${FOLLOW_UP} ${followUpQuestion(facts, i + 1, believed)}`;
    return `${answerLine}\n${flag} ${this.finalAnswer(context, [...attempts, attempt])}`;
  }

  /** Aggregation: state what is still missing and can be grounded, then the flag and the answer. */
  private conclude(context: GenerationContext, attempts: Attempt[]): string {
    const facts = context.question.evidence;
    const flag = ANSWER_FLAGS[context.loop];
    const selfAsk = context.loop === 'self-ask';
    const all = attempts.slice();
    const lines: string[] = [];
    if (selfAsk && context.chain.length === 0) lines.push(facts.length === 0 ? 'No.' : 'Yes.');
    for (let i = all.length; i < facts.length && !isLost(all); i++) {
      const attempt = this.attempt(context, i, all);
      if (selfAsk) {
        // The last unit already asked this fact's question unless the chain is empty or a
        // follow-up was answered without a next question.
        const asked =
          context.chain.length > 0 && i === context.chain.length - 1 && lastUnitAsks(context.chain);
        if (!asked)
          lines.push(
            `${FOLLOW_UP} ${followUpQuestion(
              facts,
              i,
              all.map((a) => a.value),
            )}`,
          );
        lines.push(`${INTERMEDIATE_ANSWER} ${attempt.text}`);
      } else {
        lines.push(attempt.text);
      }
      all.push(attempt);
    }
    lines.push(`${flag} ${this.finalAnswer(context, all)}`);
    if (selfAsk) return (context.chain.length === 0 ? ' ' : '\n') + lines.join('\n');
    return ` ${lines.join(' ')}`;
  }

  /** Fact i, stated only when its passage is accessible; else a give-up or a wrong guess. */
  private attempt(
    context: GenerationContext,
    i: number,
    before: readonly Attempt[],
  ): Attempt & { text: string } {
    const facts = context.question.evidence;
    const fact = facts[i]!;
    if (isAccessible(fact, context.passages)) {
      return { kind: 'grounded', value: fact.answer, text: statedForm(context.loop, fact) };
    }
    const rng = rngFor(context.question.id, context.step, `fact${i}`);
    const wantsGuess = rng.next() < this.guessShare;
    const value = fact.answer?.trim();
    if (wantsGuess && value) {
      const guess = plausibleGuess(
        value,
        {
          avoid: [value, ...context.question.answers],
          question: context.question.question,
          passages: context.passages,
        },
        rng,
      );
      const text = guess === null ? null : guessSentence(fact, guess);
      if (guess !== null && text !== null) return { kind: 'guess', value: guess, text };
    }
    const question = fact.subQuestion
      ? followUpQuestion(
          facts,
          i,
          before.map((a) => a.value),
        )
      : undefined;
    return { kind: 'unknown', value: undefined, text: cannotFindSentence(question) };
  }

  /**
   * Gold when every fact was stated from an accessible passage (with no evidence at all: when an
   * accessible passage contains a gold answer); otherwise its guess — the value its last wrong
   * statement carried, or a plausible wrong answer.
   */
  private finalAnswer(context: GenerationContext, attempts: readonly Attempt[]): string {
    const { question } = context;
    const facts = question.evidence;
    const gold = question.answers[0]!;
    const grounded =
      facts.length === 0
        ? containsAnswer(context.passages, question.answers)
        : attempts.length >= facts.length && attempts.every((a) => a.kind === 'grounded');
    if (grounded) return gold;
    const golds = question.answers.map(normalizeAnswer);
    const last = attempts.at(-1);
    if (last?.kind === 'guess' && last.value && !golds.includes(normalizeAnswer(last.value))) {
      return last.value;
    }
    const rng = rngFor(question.id, context.step, 'final');
    return (
      plausibleGuess(
        gold,
        { avoid: question.answers, question: question.question, passages: context.passages },
        rng,
      ) ?? 'unknown'
    );
  }
}

function isLost(attempts: readonly Attempt[]): boolean {
  return attempts.some((a) => a.kind === 'unknown');
}

function lastUnitAsks(chain: readonly string[]): boolean {
  const last = chain.at(-1) ?? '';
  return last.split('\n').some((line) => line.trim().startsWith(FOLLOW_UP));
}

function isAccessible(fact: EvidenceFact, passages: readonly Passage[]): boolean {
  if (fact.passageId) return passages.some((p) => p.id === fact.passageId);
  const title = fact.passageTitle.trim().toLowerCase();
  return title !== '' && passages.some((p) => p.title.trim().toLowerCase() === title);
}

function containsAnswer(passages: readonly Passage[], answers: readonly string[]): boolean {
  const golds = answers.map(normalizeAnswer).filter((a) => a !== '');
  return passages.some((p) => {
    const text = normalizeAnswer(`${p.title} ${p.text}`);
    return golds.some((g) => ` ${text} `.includes(` ${g} `));
  });
}
