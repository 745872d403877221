import type { Question } from '../../types/data';
import type { GenerateRequest, Generator } from '../../types/generator';
import type { Trace } from '../../types/trace';
import { judgedSteps, rationaleJudgeInput, stageJudgeInput } from './inputs';
import { parseRationaleJudgeOutput, parseStageJudgeOutput } from './parse';
import { renderRationaleJudgePrompt, renderStageJudgePrompt } from './render';
import {
  RATIONALE_JUDGE_TEMPLATE,
  type RationaleJudgeTemplate,
  STAGE_JUDGE_TEMPLATE,
  type StageJudgeTemplate,
} from './templates';
import type { Judge, RationaleVerdict, StageVerdict } from './types';

export interface LmJudgeOptions {
  /** Max new tokens of one judgement; default 64 (the answer format is three short lines). */
  maxTokens?: number;
  stageTemplate?: StageJudgeTemplate;
  rationaleTemplate?: RationaleJudgeTemplate;
}

/**
 * An LLM judge over any Generator — on the server the OpenAI-compatible client, whose response
 * cache makes a repeated judgement free. It renders the judge prompt, asks once, and parses the
 * scores; an output without them throws a JudgeOutputError quoting it.
 */
export class LmJudge implements Judge {
  readonly label: string;
  private readonly maxTokens: number;
  private readonly stageTemplate: StageJudgeTemplate;
  private readonly rationaleTemplate: RationaleJudgeTemplate;

  constructor(
    private readonly generator: Generator,
    options: LmJudgeOptions = {},
  ) {
    this.label = `LM judge: ${generator.label}`;
    this.maxTokens = options.maxTokens ?? 64;
    this.stageTemplate = options.stageTemplate ?? STAGE_JUDGE_TEMPLATE;
    this.rationaleTemplate = options.rationaleTemplate ?? RATIONALE_JUDGE_TEMPLATE;
  }

  async judgeStages(trace: Trace, question: Question, signal?: AbortSignal): Promise<StageVerdict> {
    const prompt = renderStageJudgePrompt(stageJudgeInput(trace), this.stageTemplate);
    const raw = await this.ask(prompt, trace, question, signal);
    const scores = parseStageJudgeOutput(raw);
    // The prompt asks for N/A without intermediate steps; a score there would judge nothing.
    const hasExpansion = judgedSteps(trace).some((s) => s.stage === 'exp');
    return {
      questionId: trace.questionId,
      judge: this.label,
      raw,
      ...scores,
      expansion: hasExpansion ? scores.expansion : null,
    };
  }

  async judgeRationale(trace: Trace, question: Question, signal?: AbortSignal): Promise<RationaleVerdict> {
    const input = rationaleJudgeInput(trace, question);
    const prompt = renderRationaleJudgePrompt(input, this.rationaleTemplate);
    const raw = await this.ask(prompt, trace, question, signal);
    return {
      questionId: trace.questionId,
      judge: this.label,
      answered: parseRationaleJudgeOutput(raw, input.subQuestions.length),
      raw,
    };
  }

  private async ask(prompt: string, trace: Trace, question: Question, signal?: AbortSignal): Promise<string> {
    const request: GenerateRequest = {
      prompt,
      stop: [],
      maxTokens: this.maxTokens,
      // A judge call is not a loop step; the context describes the trace under judgement.
      context: {
        loop: trace.loop,
        stage: 'agg',
        step: trace.chain.length + 1,
        question,
        passages: [],
        chain: trace.chain,
      },
    };
    const result = await this.generator.generate(request, signal);
    return result.text;
  }
}
