import { describe, expect, it } from 'vitest';
import {
  checkDemonstrationFormat,
  type DemonstrationFile,
  defaultDemonstrations,
  demonstrationsOf,
  parseDemonstrationFile,
  parseDemonstrationJson,
  renderAggregationPrompt,
  renderAnswerLead,
  renderChain,
  renderStudentPrompt,
  renderTeacherPrompt,
  stopStrings,
} from '../src';

const P = [
  { title: 'Blue Harbor', text: 'Blue Harbor is a 1990 film directed by Ada Reyes.' },
  { title: 'Ada Reyes', text: 'Ada Reyes was born in Velmore.' },
];
const Q = 'Where was the director of Blue Harbor born?';

const IRCOT_DEMO: DemonstrationFile = parseDemonstrationFile({
  format: 'ircot',
  name: 'one',
  demonstrations: [
    {
      question: 'Who directed Red Field?',
      passages: [{ title: 'Red Field', text: 'Red Field is a film by Tom Li.' }],
      reasoning: ['Red Field was directed by Tom Li.'],
      answer: 'Tom Li',
    },
  ],
});

const SELF_ASK_DEMO: DemonstrationFile = parseDemonstrationFile({
  format: 'self-ask',
  name: 'one',
  demonstrations: [
    {
      question: 'When was the director of Red Field born?',
      passages: [{ title: 'Red Field', text: 'Red Field is a film by Tom Li.' }],
      followUps: [
        { question: 'Who directed Red Field?', answer: 'Tom Li.' },
        { question: 'When was Tom Li born?', answer: 'Tom Li was born in 1960.' },
      ],
      answer: '1960',
    },
  ],
});

describe('student prompts (q, P_≤s), no demonstrations', () => {
  it('IRCoT: "Wikipedia Title" blocks, then the Q/A lead', () => {
    expect(renderStudentPrompt('ircot', Q, P)).toBe(
      'Wikipedia Title: Blue Harbor\nBlue Harbor is a 1990 film directed by Ada Reyes.\n\n' +
        'Wikipedia Title: Ada Reyes\nAda Reyes was born in Velmore.\n\n' +
        'Q: Answer the following question by reasoning step-by-step.\n' +
        'Where was the director of Blue Harbor born?\nA:',
    );
  });

  it('IRCoT without passages (no-retrieval) is the Q/A lead alone', () => {
    expect(renderStudentPrompt('no-retrieval', Q, [])).toBe(
      'Q: Answer the following question by reasoning step-by-step.\nWhere was the director of Blue Harbor born?\nA:',
    );
  });

  it('Self-Ask: "Passages:", "Question:", then the follow-up lead', () => {
    expect(renderStudentPrompt('self-ask', Q, P)).toBe(
      'Passages:\nWikipedia Title: Blue Harbor\nBlue Harbor is a 1990 film directed by Ada Reyes.\n\n' +
        'Wikipedia Title: Ada Reyes\nAda Reyes was born in Velmore.\n\n' +
        'Question: Where was the director of Blue Harbor born?\nAre follow up questions needed here:',
    );
  });
});

describe('renderChain: the text that follows the prompt', () => {
  it('IRCoT: sentences after one space each; the flag and answer close the line', () => {
    expect(renderChain('ircot', [])).toBe('');
    expect(renderChain('ircot', ['A is B.', 'B is C.'])).toBe(' A is B. B is C.');
    expect(renderChain('ircot', ['A is B.', 'B is C.'], 'C')).toBe(' A is B. B is C. So the answer is: C');
    expect(renderChain('ircot', [], 'C')).toBe(' So the answer is: C');
    expect(renderAnswerLead('ircot', ['A is B.'])).toBe(' A is B. So the answer is:');
  });

  it('Self-Ask: units one per line; "No." when nothing was asked', () => {
    const units = ['Yes.\nFollow up: Who is B?', 'Intermediate answer: B is C.'];
    expect(renderChain('self-ask', units)).toBe(' Yes.\nFollow up: Who is B?\nIntermediate answer: B is C.');
    expect(renderChain('self-ask', units, 'C')).toBe(
      ' Yes.\nFollow up: Who is B?\nIntermediate answer: B is C.\nSo the final answer is: C',
    );
    expect(renderChain('self-ask', [], 'C')).toBe(' No.\nSo the final answer is: C');
    expect(renderAnswerLead('self-ask', [])).toBe(' No.\nSo the final answer is:');
  });

  it('prompt + chain so far is a prefix of prompt + the longer chain (what the student continues)', () => {
    for (const loop of ['ircot', 'self-ask'] as const) {
      const chain =
        loop === 'ircot'
          ? ['One.', 'Two.', 'Three.']
          : ['Yes.\nFollow up: A?', 'Intermediate answer: B.\nFollow up: C?'];
      const prompt = renderStudentPrompt(loop, Q, P);
      for (let s = 0; s < chain.length; s++) {
        const before = prompt + renderChain(loop, chain.slice(0, s));
        expect((prompt + renderChain(loop, chain.slice(0, s + 1))).startsWith(before)).toBe(true);
      }
      expect((prompt + renderChain(loop, chain, 'X')).startsWith(prompt + renderChain(loop, chain))).toBe(
        true,
      );
    }
  });
});

describe('teacher prompts: demonstrations + (q, P_≤s) + chain so far', () => {
  it('IRCoT: demonstrations in full, three newlines apart, then the test example', () => {
    expect(renderTeacherPrompt('ircot', IRCOT_DEMO, Q, P, ['Blue Harbor was directed by Ada Reyes.'])).toBe(
      'Wikipedia Title: Red Field\nRed Field is a film by Tom Li.\n\n' +
        'Q: Answer the following question by reasoning step-by-step.\nWho directed Red Field?\n' +
        'A: Red Field was directed by Tom Li. So the answer is: Tom Li\n\n\n' +
        'Wikipedia Title: Blue Harbor\nBlue Harbor is a 1990 film directed by Ada Reyes.\n\n' +
        'Wikipedia Title: Ada Reyes\nAda Reyes was born in Velmore.\n\n' +
        'Q: Answer the following question by reasoning step-by-step.\n' +
        'Where was the director of Blue Harbor born?\nA: Blue Harbor was directed by Ada Reyes.',
    );
  });

  it('Self-Ask: instruction header, then "#"-separated examples', () => {
    expect(
      renderTeacherPrompt('self-ask', SELF_ASK_DEMO, Q, P.slice(0, 1), [
        'Yes.\nFollow up: Who directed Blue Harbor?',
      ]),
    ).toBe(
      'Solve the question with the given knowledge.\n' +
        'Each line should start with either "Intermediate answer:", "Follow up:", "So the final answer is:", or "Are follow up questions needed here:".\n' +
        '#\n' +
        'Passages:\nWikipedia Title: Red Field\nRed Field is a film by Tom Li.\n\n' +
        'Question: When was the director of Red Field born?\n' +
        'Are follow up questions needed here: Yes.\n' +
        'Follow up: Who directed Red Field?\n' +
        'Intermediate answer: Tom Li.\n' +
        'Follow up: When was Tom Li born?\n' +
        'Intermediate answer: Tom Li was born in 1960.\n' +
        'So the final answer is: 1960\n' +
        '#\n' +
        'Passages:\nWikipedia Title: Blue Harbor\nBlue Harbor is a 1990 film directed by Ada Reyes.\n\n' +
        'Question: Where was the director of Blue Harbor born?\n' +
        'Are follow up questions needed here: Yes.\nFollow up: Who directed Blue Harbor?',
    );
  });

  it('aggregation asks the teacher to conclude, above the same example', () => {
    const chain = ['Blue Harbor was directed by Ada Reyes.'];
    const agg = renderAggregationPrompt('ircot', IRCOT_DEMO, Q, P, chain);
    expect(agg).toBe(
      'For the last question, use all of its passages and the reasoning so far: finish the reasoning and end with "So the answer is:" followed by the answer.\n\n\n' +
        renderTeacherPrompt('ircot', IRCOT_DEMO, Q, P, chain),
    );
    const custom = parseDemonstrationFile({ ...SELF_ASK_DEMO, aggregationInstruction: 'Conclude now.' });
    expect(renderAggregationPrompt('self-ask', custom, Q, P, [])).toContain(
      'or "Are follow up questions needed here:".\nConclude now.\n#\n',
    );
  });

  it('no-retrieval renders its demonstrations without their passages', () => {
    const prompt = renderTeacherPrompt('no-retrieval', IRCOT_DEMO, Q, [], [], { withPassages: false });
    expect(prompt).not.toContain('Wikipedia Title');
    expect(
      prompt.startsWith(
        'Q: Answer the following question by reasoning step-by-step.\nWho directed Red Field?',
      ),
    ).toBe(true);
  });

  it('stop strings: IRCoT ends at the line, Self-Ask at the example', () => {
    expect(stopStrings('ircot')).toEqual(['\n']);
    expect(stopStrings('single-step')).toEqual(['\n']);
    expect(stopStrings('self-ask')).toContain('\n#');
  });
});

describe('demonstration files', () => {
  it('the built-in synthetic demonstrations load for every loop', () => {
    for (const loop of ['ircot', 'self-ask', 'single-step', 'no-retrieval'] as const) {
      const file = defaultDemonstrations(loop);
      expect(file.demonstrations.length).toBeGreaterThanOrEqual(4);
      expect(() => checkDemonstrationFormat(loop, file)).not.toThrow();
    }
  });

  it('Self-Ask follow-ups become units that end with a question, the last answer on its own', () => {
    const [demo] = demonstrationsOf(SELF_ASK_DEMO);
    expect(demo?.chain).toEqual([
      'Yes.\nFollow up: Who directed Red Field?',
      'Intermediate answer: Tom Li.\nFollow up: When was Tom Li born?',
      'Intermediate answer: Tom Li was born in 1960.',
    ]);
  });

  it('a bad file names the field and the expected shape', () => {
    const bad = {
      format: 'ircot',
      name: 'x',
      demonstrations: [{ question: 'q', passages: [], reasoning: [] }],
    };
    expect(() => parseDemonstrationFile(bad, 'my-demos.json')).toThrow(
      /my-demos\.json: field "demonstrations\.0\.answer"/,
    );
    expect(() => parseDemonstrationFile({ format: 'react', name: 'x', demonstrations: [] })).toThrow(
      /field "format"/,
    );
    expect(() => parseDemonstrationJson('{"format": "ircot",')).toThrow(/not valid JSON/);
  });

  it('a file of the other format is refused with the fix', () => {
    expect(() => checkDemonstrationFormat('self-ask', IRCOT_DEMO)).toThrow(/needs self-ask ones/);
    expect(() => renderTeacherPrompt('ircot', SELF_ASK_DEMO, Q, P, [])).toThrow(
      /load a "ircot" demonstration file/,
    );
  });
});
