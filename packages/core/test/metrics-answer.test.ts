import { describe, expect, it } from 'vitest';
import { accuracy, exactMatch, extractAnswer, f1Score } from '../src/metrics/answer';
import { normalizeAnswer } from '../src/metrics/normalize';

// Expected values were produced by the official HotpotQA normalize_answer / f1_score (Python 3).
describe('normalizeAnswer (official HotpotQA/SQuAD rules)', () => {
  it.each([
    ['The  Eiffel-Tower!', 'eiffeltower'],
    ['An apple a day', 'apple day'],
    ['Theater', 'theater'],
    ['the the cat sat', 'cat sat'],
    ['1,000', '1000'],
    ['U.S.A.', 'usa'],
    ['  Paris \n', 'paris'],
    ['The', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it('drops only ASCII punctuation, like string.punctuation', () => {
    expect(normalizeAnswer('“The” Beatles – band')).toBe('“ ” beatles – band');
  });

  it("uses Python's Unicode word boundary around articles, not JavaScript's ASCII one", () => {
    expect(normalizeAnswer('éthe café')).toBe('éthe café');
    // "_" is a word character: "naïve_the" loses the underscore first, then "the" is inside a word.
    expect(normalizeAnswer('naïve_the user')).toBe('naïvethe user');
    expect(normalizeAnswer('the_cat')).toBe('thecat');
  });

  it("folds every white space Python's str.split() knows", () => {
    expect(normalizeAnswer('a\u00a0b\u2003c\u001cd\u0085e')).toBe('b c d e');
  });
});

describe('exactMatch', () => {
  it('compares normalised strings', () => {
    expect(exactMatch('The Eiffel Tower.', 'eiffel  tower')).toBe(1);
    expect(exactMatch('Eiffel Tower, Paris', 'Eiffel Tower')).toBe(0);
    expect(exactMatch('YES', 'yes')).toBe(1);
  });

  it('takes the best gold alias, and 0 with no gold', () => {
    expect(exactMatch('NYC', ['New York City', 'NYC'])).toBe(1);
    expect(exactMatch('Boston', ['New York City', 'NYC'])).toBe(0);
    expect(exactMatch('anything', [])).toBe(0);
  });

  it('empty prediction and empty gold', () => {
    expect(exactMatch('', 'Paris')).toBe(0);
    expect(exactMatch('', '')).toBe(1);
    expect(exactMatch('The', 'An')).toBe(1);
  });
});

describe('f1Score', () => {
  it('is token F1 over normalised multisets', () => {
    expect(f1Score('Barack Obama', 'President Barack Hussein Obama')).toBeCloseTo(2 / 3, 12);
    expect(f1Score('the the cat sat', 'the cat cat')).toBeCloseTo(0.5, 12);
    expect(f1Score('An apple a day', 'apple day')).toBe(1);
    expect(f1Score('éthe café', 'café')).toBeCloseTo(2 / 3, 12);
  });

  it('scores a yes/no/noanswer mismatch 0, even with a shared token', () => {
    expect(f1Score('yes', 'yes it is')).toBe(0);
    expect(f1Score('no', 'No way')).toBe(0);
    expect(f1Score('no answer', 'noanswer')).toBe(0);
    expect(f1Score('Yes', 'yes.')).toBe(1);
  });

  it('takes the best alias', () => {
    expect(f1Score('Barack Obama', ['Obama', 'Barack Obama Jr'])).toBeCloseTo(0.8, 12);
  });

  it('scores 0 with no common token, as the official script does for two empty answers', () => {
    expect(f1Score('', 'Paris')).toBe(0);
    expect(f1Score('Paris', '')).toBe(0);
    expect(f1Score('', '')).toBe(0);
    expect(f1Score('The', 'An')).toBe(0);
  });

  it('stays in [0, 1]', () => {
    for (const [p, g] of [
      ['a b c', 'c b a'],
      ['x', 'y'],
      ['1 1 1', '1'],
    ] as const) {
      const f = f1Score(p, g);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
    }
  });
});

describe('accuracy', () => {
  it('is 1 when a normalised gold is contained in the normalised prediction', () => {
    expect(accuracy('It was the Eiffel Tower, in Paris.', 'Eiffel Tower')).toBe(1);
    expect(accuracy('Eiffel', 'Eiffel Tower')).toBe(0);
    expect(accuracy('The answer is Oslo', ['Bergen', 'oslo'])).toBe(1);
  });

  it('tests containment on normalised text (substring, as usual for Acc)', () => {
    expect(accuracy('1,842 people', '1842')).toBe(1);
    expect(accuracy('Paris', 'paris.')).toBe(1);
  });

  it('an empty gold is not contained in everything', () => {
    expect(accuracy('Paris', 'The')).toBe(0);
    expect(accuracy('', '')).toBe(1);
    expect(accuracy('', 'Paris')).toBe(0);
  });

  it('optionally tests containment in the whole generation', () => {
    const whole = 'Blue Harbor was directed by Ada Reyes. So the answer is: Reyes.';
    expect(accuracy('Reyes', 'Ada Reyes')).toBe(0);
    expect(accuracy('Reyes', 'Ada Reyes', { wholeGeneration: whole })).toBe(1);
  });
});

describe('extractAnswer', () => {
  const ircot = 'So the answer is:';
  const selfAsk = 'So the final answer is:';

  it('takes the text after the flag, trimmed, with one trailing period dropped', () => {
    expect(extractAnswer('Ada Reyes directed it. So the answer is: Ada Reyes.', ircot)).toBe('Ada Reyes');
    expect(extractAnswer('So the answer is:   1842 ', ircot)).toBe('1842');
    expect(extractAnswer('So the answer is: U.S.', ircot)).toBe('U.S');
  });

  it('stops at the end of the line, so a run-on demonstration is not taken', () => {
    expect(extractAnswer('So the answer is: yes.\n\nQ: Who directed Jaws?', ircot)).toBe('yes');
    expect(extractAnswer('So the answer is:\nParis.', ircot)).toBe('Paris');
  });

  it('matches the flag regardless of case, and each loop its own flag', () => {
    expect(extractAnswer('so the answer is: Oslo', ircot)).toBe('Oslo');
    const output = 'Follow up: Who?\nIntermediate answer: Ada.\nSo the final answer is: Ada Reyes.';
    expect(extractAnswer(output, selfAsk)).toBe('Ada Reyes');
    expect(extractAnswer(output, ircot)).toBe('');
  });

  it('is "" when the flag is absent or nothing follows it', () => {
    expect(extractAnswer('Blue Harbor was directed by Ada Reyes.', ircot)).toBe('');
    expect(extractAnswer('So the answer is:', ircot)).toBe('');
    expect(extractAnswer('', ircot)).toBe('');
  });
});
