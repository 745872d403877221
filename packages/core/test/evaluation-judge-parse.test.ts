import { describe, expect, it } from 'vitest';
import { JudgeOutputError, parseRationaleJudgeOutput, parseStageJudgeOutput } from '../src';

describe('parseStageJudgeOutput', () => {
  it('reads the asked-for format', () => {
    expect(parseStageJudgeOutput('Initialization: 1\nExpansion: 0\nAggregation: 1')).toEqual({
      initialization: 1,
      expansion: 0,
      aggregation: 1,
    });
  });

  it('tolerates markdown, case, yes/no, N/A, extra prose and explanations', () => {
    const output = [
      'Let me check each stage.',
      '**Reasoning Initialization**: Yes — the first step names the director.',
      '- expansion = n/a',
      '### Aggregation',
      'Score: 0 (the answer is wrong)',
    ].join('\n');
    expect(parseStageJudgeOutput(output)).toEqual({ initialization: 1, expansion: null, aggregation: 0 });
  });

  it('reads a JSON object, even inside a code fence', () => {
    const output = '```json\n{"initialization": true, "expansion": "1", "aggregation": 0}\n```';
    expect(parseStageJudgeOutput(output)).toEqual({ initialization: 1, expansion: 1, aggregation: 0 });
  });

  it('an echoed answer format is not a score; the last score given counts', () => {
    const output = [
      'Initialization: <0 or 1>',
      'Expansion: <0, 1 or N/A>',
      'Aggregation: <0 or 1>',
      'Initialization: 0',
      'Expansion: 1',
      'Aggregation: 1',
      'On reflection, Initialization: 1',
    ].join('\n');
    expect(parseStageJudgeOutput(output)).toEqual({ initialization: 1, expansion: 1, aggregation: 1 });
  });

  it('garbage is a JudgeOutputError that names what is missing and quotes the output', () => {
    let error: unknown;
    try {
      parseStageJudgeOutput('I think the reasoning is mostly fine.');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JudgeOutputError);
    const e = error as JudgeOutputError;
    expect(e.missing).toEqual(['Initialization', 'Expansion', 'Aggregation']);
    expect(e.message).toContain('"I think the reasoning is mostly fine."');
    expect(e.message).toContain('Expected "Initialization: 0|1"');
  });

  it('N/A is accepted for expansion only', () => {
    expect(() => parseStageJudgeOutput('Initialization: N/A\nExpansion: 1\nAggregation: 1')).toThrow(
      /no valid score for Initialization \(N\/A is allowed for Expansion only\)/,
    );
  });

  it('one missing criterion is named alone', () => {
    expect(() => parseStageJudgeOutput('Initialization: 1\nAggregation: 1')).toThrow(
      /^Stage judge: no valid score for Expansion in the judge's output/,
    );
  });
});

describe('parseRationaleJudgeOutput', () => {
  it('reads the asked-for format', () => {
    expect(parseRationaleJudgeOutput('Sub-question 1: yes\nSub-question 2: no', 2)).toEqual([true, false]);
  });

  it('tolerates markdown, spelling variants, answerable / not answerable and reasons', () => {
    const output = [
      '**Subquestion 1**: Answerable — the rationale names Ada Reyes.',
      'Sub question #2 - Not answerable, the birthplace is missing.',
    ].join('\n');
    expect(parseRationaleJudgeOutput(output, 2)).toEqual([true, false]);
  });

  it('reads JSON objects and arrays', () => {
    expect(parseRationaleJudgeOutput('{"sub-question 1": "no", "sub-question 2": true}', 2)).toEqual([
      false,
      true,
    ]);
    expect(parseRationaleJudgeOutput('Answers: ["yes", "yes"]', 2)).toEqual([true, true]);
  });

  it('echoed sub-questions and the format are not answers', () => {
    const output = [
      'Sub-question 1: Who directed Blue Harbor? (reference answer: Ada Reyes)',
      'Sub-question 1: <yes or no>',
      'Sub-question 1: yes',
      'Sub-question 2: no',
    ].join('\n');
    expect(parseRationaleJudgeOutput(output, 2)).toEqual([true, false]);
  });

  it('a missing sub-question is a JudgeOutputError naming it', () => {
    expect(() => parseRationaleJudgeOutput('Sub-question 1: yes', 2)).toThrow(JudgeOutputError);
    expect(() => parseRationaleJudgeOutput('Sub-question 1: yes', 2)).toThrow(
      /no valid score for Sub-question 2 .*Expected "Sub-question 1: yes\|no", "Sub-question 2: yes\|no"/,
    );
    expect(() => parseRationaleJudgeOutput('whatever', 0)).toThrow(/count must be a positive integer/);
  });
});
