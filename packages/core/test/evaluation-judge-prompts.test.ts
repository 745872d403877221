import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseStageJudgeTemplate,
  RATIONALE_JUDGE_TEMPLATE,
  rationaleJudgeInput,
  renderRationaleJudgePrompt,
  renderStageJudgePrompt,
  STAGE_JUDGE_TEMPLATE,
  stageJudgeInput,
} from '../src';
import { blueHarbor, makeTrace } from './fixtures/evaluation/traces';

// Fixture files end with one newline (as editors save them); the prompt does not.
const fixture = (name: string) =>
  readFileSync(join(__dirname, 'fixtures', 'evaluation', name), 'utf8').replace(/\n$/, '');

const ircot = makeTrace({
  answers: ['Velmore', 'Velmore, Arden'],
  chain: ['Blue Harbor is a 1990 drama film directed by Ada Reyes.', 'Ada Reyes was born in Velmore.'],
  finalOutput: ' So the answer is: Velmore.',
});

const selfAsk = makeTrace({
  loop: 'self-ask',
  chain: [
    'Yes.\nFollow up: Who directed Blue Harbor?',
    'Intermediate answer: Ada Reyes.\nFollow up: Where was Ada Reyes born?',
    'Intermediate answer: Velmore.',
  ],
  finalOutput: '\nSo the final answer is: Velmore',
});

describe('judge prompts render exactly', () => {
  it('stage judge (Table 17 criteria), IRCoT trace', () => {
    expect(renderStageJudgePrompt(stageJudgeInput(ircot))).toBe(fixture('stage-judge-ircot.txt'));
  });

  it('stage judge, Self-Ask trace: multi-line steps are indented under their step', () => {
    expect(renderStageJudgePrompt(stageJudgeInput(selfAsk))).toBe(fixture('stage-judge-self-ask.txt'));
  });

  it('rationale judge (Table 18 criterion) with the two sub-questions', () => {
    const prompt = renderRationaleJudgePrompt(rationaleJudgeInput(selfAsk, blueHarbor()));
    expect(prompt).toBe(fixture('rationale-judge-self-ask.txt'));
  });
});

describe('judge templates are data', () => {
  it('both bundled templates say they are reconstructions, not the paper’s verbatim text', () => {
    for (const template of [STAGE_JUDGE_TEMPLATE, RATIONALE_JUDGE_TEMPLATE]) {
      expect(template.provenance.status).toBe('reconstructed');
      expect(template.provenance.note).toMatch(/RECONSTRUCTED, NOT VERBATIM/);
    }
    expect(STAGE_JUDGE_TEMPLATE.provenance.source).toMatch(/Table 17/);
    expect(RATIONALE_JUDGE_TEMPLATE.provenance.source).toMatch(/Table 18/);
  });

  it('an edited template renders with its own text', () => {
    const edited = parseStageJudgeTemplate({
      ...STAGE_JUDGE_TEMPLATE,
      template: ['Q: {{question}} ({{goldAnswers}})', '{{reasoning}}'],
      parts: { ...STAGE_JUDGE_TEMPLATE.parts, stepLine: '[{{stage}}] {{text}}' },
    });
    expect(renderStageJudgePrompt(stageJudgeInput(ircot), edited)).toBe(
      [
        'Q: Where was the director of Blue Harbor born? (Velmore | Velmore, Arden)',
        '[initialization] Blue Harbor is a 1990 drama film directed by Ada Reyes.',
        '[expansion] Ada Reyes was born in Velmore.',
        '[aggregation] So the answer is: Velmore.',
      ].join('\n'),
    );
  });

  it('a placeholder without a value, or a broken file, is a clear error', () => {
    const typo = parseStageJudgeTemplate({ ...STAGE_JUDGE_TEMPLATE, template: ['{{questoin}}'] });
    expect(() => renderStageJudgePrompt(stageJudgeInput(ircot), typo)).toThrow(
      /uses \{\{questoin\}\}, which has no value \(known: question, goldAnswers, reasoning\)/,
    );
    expect(() => parseStageJudgeTemplate({ ...STAGE_JUDGE_TEMPLATE, parts: { stepLine: 'x' } })).toThrow(
      /Stage judge template: field "parts.answerSeparator"/,
    );
  });

  it('text containing braces is inserted as written', () => {
    const odd = makeTrace({
      chain: ['It says {{question}} literally.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    expect(renderStageJudgePrompt(stageJudgeInput(odd))).toContain(
      'Step 1 (initialization): It says {{question}} literally.',
    );
  });
});
