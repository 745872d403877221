import { describe, expect, it } from 'vitest';
import { firstSentence, parseStepOutput, queryFromChain, splitSentences } from '../src';

describe('sentence splitting', () => {
  it('splits at terminal marks before a capital, digit or quote', () => {
    expect(splitSentences('Ada was born in 1950. She directed films! Did she? "Yes," he said.')).toEqual([
      'Ada was born in 1950.',
      'She directed films!',
      'Did she?',
      '"Yes," he said.',
    ]);
  });

  it('does not split decimals, abbreviations or initials', () => {
    expect(splitSentences('The film ran 3.5 hours. It won.')).toEqual(['The film ran 3.5 hours.', 'It won.']);
    expect(firstSentence('He lives in St. Louis with Dr. Smith. Then more.')).toBe(
      'He lives in St. Louis with Dr. Smith.',
    );
    expect(firstSentence('The Hobbit was written by J. R. R. Tolkien. It sold well.')).toBe(
      'The Hobbit was written by J. R. R. Tolkien.',
    );
    expect(firstSentence('P.S. Jerusalem was directed by Danae Elon. She was born in 1970.')).toBe(
      'P.S. Jerusalem was directed by Danae Elon.',
    );
    expect(firstSentence('It is based in the U.S. Army base. Next.')).toBe(
      'It is based in the U.S. Army base.',
    );
    expect(firstSentence('He served in No. 5 Squadron. Later he left.')).toBe('He served in No. 5 Squadron.');
    expect(firstSentence('She was born on Aug. 4, 1961 in Rome. Then.')).toBe(
      'She was born on Aug. 4, 1961 in Rome.',
    );
  });

  it('a lower-case word after a period does not start a sentence; empty text has none', () => {
    expect(splitSentences('See e.g. the list. Done.')).toEqual(['See e.g. the list.', 'Done.']);
    expect(splitSentences('   ')).toEqual([]);
    expect(firstSentence('')).toBe('');
    expect(firstSentence('No terminal mark')).toBe('No terminal mark');
  });
});

describe('IRCoT step output', () => {
  it('keeps the first sentence of the line, after leading white space', () => {
    expect(
      parseStepOutput('ircot', ' Blue Harbor was directed by Ada Reyes. Ada Reyes was born in Velmore.'),
    ).toEqual({
      sentence: 'Blue Harbor was directed by Ada Reyes.',
      hasFlag: false,
    });
    expect(parseStepOutput('ircot', '\n  Next line only.')).toEqual({
      sentence: 'Next line only.',
      hasFlag: false,
    });
  });

  it('finds its own flag, keeping an answer with periods whole', () => {
    expect(parseStepOutput('ircot', ' So the answer is: St. Louis, Mo.')).toEqual({
      sentence: 'So the answer is: St. Louis, Mo.',
      hasFlag: true,
    });
    expect(parseStepOutput('ircot', ' Thus, so the answer is: J.R.R. Tolkien.\nQ: next')).toEqual({
      sentence: 'Thus, so the answer is: J.R.R. Tolkien.',
      hasFlag: true,
    });
  });

  it('a flag in a later sentence is not carried by this step', () => {
    expect(parseStepOutput('ircot', ' Ada Reyes was born in Velmore. So the answer is: Velmore.')).toEqual({
      sentence: 'Ada Reyes was born in Velmore.',
      hasFlag: false,
    });
  });

  it("Self-Ask's flag is not IRCoT's", () => {
    expect(parseStepOutput('ircot', ' So the final answer is: X.').hasFlag).toBe(false);
    expect(parseStepOutput('single-step', ' So the answer is: X.').hasFlag).toBe(true);
  });
});

describe('Self-Ask step output', () => {
  it('step 1: "Yes." and the first follow-up question', () => {
    expect(
      parseStepOutput(
        'self-ask',
        ' Yes.\nFollow up: Who directed Blue Harbor?\nIntermediate answer: Ada Reyes.',
      ),
    ).toEqual({
      sentence: 'Yes.\nFollow up: Who directed Blue Harbor?',
      hasFlag: false,
      followUp: 'Who directed Blue Harbor?',
    });
  });

  it('later steps: the intermediate answer and the next follow-up', () => {
    expect(
      parseStepOutput(
        'self-ask',
        '\nIntermediate answer: Blue Harbor was directed by Ada Reyes.\nFollow up: Where was Ada Reyes born?\nIntermediate answer: Velmore.',
      ),
    ).toEqual({
      sentence:
        'Intermediate answer: Blue Harbor was directed by Ada Reyes.\nFollow up: Where was Ada Reyes born?',
      hasFlag: false,
      followUp: 'Where was Ada Reyes born?',
      intermediateAnswer: 'Blue Harbor was directed by Ada Reyes.',
    });
  });

  it('an answer followed by the flag is a step without the flag; the flag alone carries it', () => {
    expect(
      parseStepOutput(
        'self-ask',
        '\nIntermediate answer: Ada Reyes was born in Velmore.\nSo the final answer is: Velmore',
      ),
    ).toEqual({
      sentence: 'Intermediate answer: Ada Reyes was born in Velmore.',
      hasFlag: false,
      intermediateAnswer: 'Ada Reyes was born in Velmore.',
    });
    expect(parseStepOutput('self-ask', '\nSo the final answer is: Velmore\n#\nPassages:')).toEqual({
      sentence: 'So the final answer is: Velmore',
      hasFlag: true,
    });
    expect(parseStepOutput('self-ask', ' No.\nSo the final answer is: Velmore')).toEqual({
      sentence: 'No.\nSo the final answer is: Velmore',
      hasFlag: true,
    });
  });

  it('stops at a blank line and never takes two answers', () => {
    expect(parseStepOutput('self-ask', '\nIntermediate answer: A.\nIntermediate answer: B.').sentence).toBe(
      'Intermediate answer: A.',
    );
    expect(parseStepOutput('self-ask', ' Yes.\n\nFollow up: Late?').sentence).toBe('Yes.');
  });
});

describe('next search query from the chain', () => {
  it('IRCoT: the last sentence; none for an empty chain', () => {
    expect(queryFromChain('ircot', ['One.', 'Two.'])).toBe('Two.');
    expect(queryFromChain('ircot', [])).toBeNull();
  });

  it('Self-Ask: the last follow-up question asked, even in an earlier unit', () => {
    const units = [
      'Yes.\nFollow up: Who directed Blue Harbor?',
      'Intermediate answer: Ada Reyes.\nFollow up: Where was Ada Reyes born?',
    ];
    expect(queryFromChain('self-ask', units)).toBe('Where was Ada Reyes born?');
    expect(queryFromChain('self-ask', [...units, 'Intermediate answer: Velmore.'])).toBe(
      'Where was Ada Reyes born?',
    );
    expect(queryFromChain('self-ask', ['No.\nSo the final answer is: X'])).toBeNull();
  });
});
