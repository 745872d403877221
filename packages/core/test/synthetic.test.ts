import { beforeAll, describe, expect, it } from 'vitest';
import TEMPLATES from '../src/synthetic/data/templates.json';
import WORDS from '../src/synthetic/data/words.json';
import { assertUniqueNames } from '../src/synthetic/graph';
import { IndexPermutation } from '../src/synthetic/hash';
import {
  generateSyntheticWorld,
  SYNTHETIC_QUESTION_TYPES,
  type SyntheticWorld,
  syntheticCorpus,
} from '../src/synthetic/index';
import { type EvidenceFact, type Passage, type Question, QuestionSchema } from '../src/types/data';

const RELATIONS = TEMPLATES.relations as Record<string, { facts: string[] }>;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Reads the object of relation r out of a fact sentence about `subject`, using only the templates. */
function parseFact(sentence: string, subject: string, r: string): string | null {
  for (const t of RELATIONS[r]?.facts ?? []) {
    const pattern = escapeRegExp(t).replace('\\{x\\}', escapeRegExp(subject)).replace('\\{y\\}', '(.+)');
    const m = new RegExp(`^${pattern}$`).exec(sentence);
    if (m) return m[1]!;
  }
  return null;
}

function sentencesOf(p: Passage): string[] {
  return p.text.split(/(?<=\.) /);
}

/** "12 March 1953" or "1953" → a number ordering dates in time. */
function timeValue(text: string): number {
  const parts = text.split(' ');
  if (parts.length === 1) return Number(text) * 10000;
  const [day, month, year] = parts;
  return Number(year) * 10000 + (WORDS.months.indexOf(month!) + 1) * 100 + Number(day);
}

function relationsOf(q: Question): string[] {
  return (q.meta?.relations as string[] | undefined) ?? [];
}

/** Which relation each evidence fact states: the chain, or [via?, attr] for each side of a comparison. */
function factRelations(q: Question): string[] {
  const rels = relationsOf(q);
  return q.type === 'comparison' || q.type === 'bridge_comparison' ? [...rels, ...rels] : rels;
}

/** What is wrong with q's answer, re-derived from its evidence sentences alone; [] when it follows. */
function derivationProblems(q: Question): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${q.id} (${q.question}): ${what}`);
  };
  const rels = factRelations(q);
  check(rels.length === q.evidence.length, 'one relation per fact');
  q.evidence.forEach((f, i) => {
    check(
      parseFact(f.text, f.passageTitle, rels[i]!) === f.answer,
      `fact ${i} "${f.text}" yields ${f.answer}`,
    );
  });
  const gold = q.answers[0]!;
  if (q.type === 'comparison' || q.type === 'bridge_comparison') {
    const half = q.evidence.length / 2;
    const sides = [q.evidence.slice(0, half), q.evidence.slice(half)] as [EvidenceFact[], EvidenceFact[]];
    if (half === 2)
      for (const side of sides) check(side[1]!.passageTitle === side[0]!.answer, 'bridge links');
    const [a, b] = sides.map((s) => s[s.length - 1]!.answer!) as [string, string];
    const roots = sides.map((s) => s[0]!.passageTitle);
    check(q.question.includes(roots[0]!) && q.question.includes(roots[1]!), 'names both sides');
    if (gold === 'yes' || gold === 'no') {
      check(gold === (a === b ? 'yes' : 'no'), `${a} vs ${b}`);
    } else {
      const earlier = /first|earlier/.test(q.question);
      check(/later|recently/.test(q.question) !== earlier, 'asks earlier or later');
      const firstWins = earlier === timeValue(a) < timeValue(b);
      check(gold === (firstWins ? roots[0] : roots[1]), `${a} vs ${b}`);
    }
  } else {
    for (let i = 1; i < q.evidence.length; i++) {
      check(
        q.evidence[i]!.passageTitle === q.evidence[i - 1]!.answer,
        `hop ${i} starts where hop ${i - 1} ended`,
      );
    }
    check(gold === q.evidence[q.evidence.length - 1]!.answer, 'answer is the last hop');
    check(q.question.includes(q.evidence[0]!.passageTitle), 'names the root');
  }
  return problems;
}

let world: SyntheticWorld;
let byId: Map<string, Passage>;

beforeAll(() => {
  world = generateSyntheticWorld();
  byId = new Map(world.corpus.map((p) => [p.id, p]));
});

describe('synthetic world: corpus', () => {
  it('has the default size, short sequential ids and unique titles', () => {
    expect(world.options).toEqual({ seed: 42, passages: 3000, questions: 2000, style: 'paraphrased' });
    expect(world.corpus).toHaveLength(3000);
    world.corpus.forEach((p, i) => {
      expect(p.id).toBe(`syn-${String(i).padStart(6, '0')}`);
    });
    expect(new Set(world.corpus.map((p) => p.title)).size).toBe(3000);
  });

  it('is deterministic for a seed, and the corpus does not depend on the number of questions', () => {
    const again = generateSyntheticWorld({ seed: 42 });
    expect(again).toEqual(world);
    expect(generateSyntheticWorld({ questions: 50 }).corpus).toEqual(world.corpus);
  });

  it('differs across seeds', () => {
    const other = generateSyntheticWorld({ seed: 7, questions: 200 });
    const titles = new Set(world.corpus.map((p) => p.title));
    const shared = other.corpus.filter((p) => titles.has(p.title)).length;
    expect(shared).toBeLessThan(other.corpus.length / 2);
    const texts = new Set(world.corpus.map((p) => p.text));
    expect(other.corpus.filter((p) => texts.has(p.text)).length).toBeLessThan(50);
    expect(other.questions[0]?.question).not.toBe(world.questions[0]?.question);
  });

  it('has Wikipedia-like passages: one sentence per fact, each naming its subject', () => {
    for (const p of world.corpus.slice(0, 300)) {
      const sentences = sentencesOf(p);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      for (const s of sentences) {
        expect(s).toContain(p.title);
        expect(s.endsWith('.')).toBe(true);
      }
    }
  });

  it('has distractors: most surnames and title words are shared by several passages', () => {
    const counts = new Map<string, number>();
    for (const p of world.corpus) {
      for (const w of new Set(p.title.split(' '))) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const shared = world.corpus.filter((p) =>
      p.title.split(' ').some((w) => w !== 'of' && counts.get(w)! > 1),
    );
    expect(shared.length / world.corpus.length).toBeGreaterThan(0.8);
  });

  it('renders the same passages lazily through syntheticCorpus', () => {
    const lazy = syntheticCorpus({ seed: 42 });
    expect(lazy.size).toBe(3000);
    expect(lazy.passage(1234)).toEqual(world.corpus[1234]);
    expect([...lazy]).toEqual(world.corpus);
    expect(() => lazy.passage(3000)).toThrow(/outside \[0, 3000\)/);
  });
});

describe('synthetic world: questions', () => {
  it('has the requested number of valid, distinct questions', () => {
    expect(world.questions).toHaveLength(2000);
    for (const q of world.questions) expect(QuestionSchema.parse(q)).toEqual(q);
    expect(new Set(world.questions.map((q) => q.id)).size).toBe(2000);
    expect(new Set(world.questions.map((q) => q.question)).size).toBe(2000);
    expect(world.questions.every((q) => q.dataset === 'synthetic')).toBe(true);
  });

  it('covers every type and 2, 3 and 4 hops; hops count the evidence facts', () => {
    const types = new Set(world.questions.map((q) => q.type));
    expect([...types].sort()).toEqual([...SYNTHETIC_QUESTION_TYPES].sort());
    const hops = new Set(world.questions.map((q) => q.hops));
    expect([...hops].sort()).toEqual([2, 3, 4]);
    for (const q of world.questions) expect(q.hops).toBe(q.evidence.length);
    const bridgeHops = new Set(world.questions.filter((q) => q.type === 'bridge').map((q) => q.hops));
    expect([...bridgeHops].sort()).toEqual([3, 4]);
  });

  it('states every evidence fact word for word in the passage with its id and title', () => {
    const problems: string[] = [];
    for (const q of world.questions) {
      for (const f of q.evidence) {
        const p = byId.get(f.passageId!);
        if (p?.title !== f.passageTitle) problems.push(`${q.id}: ${f.passageId} is not "${f.passageTitle}"`);
        else if (!sentencesOf(p).includes(f.text)) problems.push(`${q.id}: "${f.text}" not in ${p.id}`);
        if (!f.subQuestion?.endsWith('?') || !f.subQuestion.includes(f.passageTitle)) {
          problems.push(`${q.id}: sub-question "${f.subQuestion}"`);
        }
      }
      expect(q.goldTitles).toEqual([...new Set(q.evidence.map((f) => f.passageTitle))]);
      expect(q.goldPassageIds).toEqual([...new Set(q.evidence.map((f) => f.passageId))]);
    }
    expect(problems).toEqual([]);
  });

  it('derives every answer from the evidence, each fact read back with the sentence templates', () => {
    const problems = world.questions.flatMap(derivationProblems);
    expect(problems).toEqual([]);
    // The check itself must catch a wrong answer.
    const q = world.questions.find((x) => x.type === 'bridge')!;
    expect(derivationProblems({ ...q, answers: ['Nowhere'] })).not.toEqual([]);
  });

  it('has one answer per hop: no passage states a second object for a relation', () => {
    const problems: string[] = [];
    for (const q of world.questions) {
      const rels = factRelations(q);
      q.evidence.forEach((f, i) => {
        const matching = sentencesOf(byId.get(f.passageId!)!).filter(
          (s) => parseFact(s, f.passageTitle, rels[i]!) !== null,
        );
        if (matching.length !== 1 || matching[0] !== f.text)
          problems.push(`${q.id}: ${matching.join(' | ')}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('gives aliases where natural: US-style dates, formal and abbreviated country names', () => {
    const dated = world.questions.find((q) => /^\d+ [A-Z][a-z]+ \d{4}$/.test(q.answers[0]!));
    expect(dated?.answers).toHaveLength(2);
    const [day, month, year] = dated!.answers[0]!.split(' ');
    expect(dated!.answers[1]).toBe(`${month} ${day}, ${year}`);
    const country = world.questions.find(
      (q) => relationsOf(q).at(-1) === 'citizenship' && q.answers.length > 1,
    );
    expect(country).toBeDefined();
    const passage = world.corpus.find((p) => p.title === country!.answers[0])!;
    for (const alias of country!.answers.slice(1)) {
      expect(passage.text.includes(alias) || country!.answers[0]!.endsWith(alias)).toBe(true);
    }
  });

  it('cannot be answered from the question text alone', () => {
    for (const q of world.questions) {
      if (q.type === 'comparison' || q.type === 'bridge_comparison') continue;
      for (const a of q.answers) expect(q.question.toLowerCase()).not.toContain(a.toLowerCase());
    }
    const comparisons = world.questions.filter((q) => q.type?.includes('comparison'));
    const yes = comparisons.filter((q) => q.answers[0] === 'yes').length;
    const no = comparisons.filter((q) => q.answers[0] === 'no').length;
    expect(yes + no).toBeGreaterThan(100);
    expect(Math.abs(yes - no)).toBeLessThanOrEqual(12);
    const ordered = comparisons.filter((q) => q.answers[0] !== 'yes' && q.answers[0] !== 'no');
    const answerFirst = ordered.filter((q) => q.question.includes(`, ${q.answers[0]} or `)).length;
    expect(Math.abs(2 * answerFirst - ordered.length)).toBeLessThanOrEqual(24);
  });
});

describe('synthetic world: splits', () => {
  it('partitions the questions about 70/15/15', () => {
    const { train, dev, test } = world.splits;
    expect(train).toHaveLength(1400);
    expect(dev).toHaveLength(300);
    expect(test).toHaveLength(300);
    const all = [...train, ...dev, ...test];
    expect(new Set(all).size).toBe(2000);
    expect(new Set(all)).toEqual(new Set(world.questions.map((q) => q.id)));
  });

  it('keeps test evidence chains and root entities out of train', () => {
    const byQid = new Map(world.questions.map((q) => [q.id, q]));
    const chain = (id: string) =>
      byQid
        .get(id)!
        .evidence.map((f) => `${f.passageId}:${f.text}`)
        .join('|');
    const roots = (id: string) => byQid.get(id)!.meta?.roots as string[];
    const trainChains = new Set(world.splits.train.map(chain));
    const trainRoots = new Set(world.splits.train.flatMap(roots));
    for (const id of [...world.splits.test, ...world.splits.dev]) {
      expect(trainChains.has(chain(id))).toBe(false);
      for (const r of roots(id)) expect(trainRoots.has(r)).toBe(false);
    }
  });
});

describe('synthetic world: options', () => {
  it.each([
    [{ passages: -5 }, /option "passages" must be an integer from 300/],
    [{ passages: 0 }, /option "passages"/],
    [{ passages: 1500.5 }, /option "passages".*got 1500.5/],
    [{ passages: 3_000_000 }, /option "passages".*2000000/],
    [{ questions: 0 }, /option "questions" must be a positive integer/],
    [{ questions: -1 }, /option "questions"/],
    [{ questions: 2.5 }, /option "questions"/],
    [{ seed: -1 }, /option "seed" must be an integer from 0 to 4294967295/],
    [{ seed: 0.5 }, /option "seed"/],
    [{ seed: Number.NaN }, /option "seed".*got NaN/],
    [{ passages: '3000' }, /option "passages"/],
    [{ passage: 3000 }, /unknown option "passage"; known options are seed, passages, questions, style/],
    [{ style: 'terse' }, /option "style" must be one of paraphrased, plain \(got "terse"\)/],
  ])('rejects %j with an error naming the option', (options, message) => {
    expect(() => generateSyntheticWorld(options as never)).toThrow(message);
  });

  it('says so when the world is too small for the questions asked', () => {
    expect(() => generateSyntheticWorld({ passages: 300, questions: 20_000 })).toThrow(
      /lower "questions" or raise "passages"/,
    );
  });

  it('honours sizes and seeds at the edges of their ranges', () => {
    const small = generateSyntheticWorld({ seed: 0, passages: 300, questions: 40 });
    expect(small.corpus).toHaveLength(300);
    expect(small.questions).toHaveLength(40);
    const odd = generateSyntheticWorld({ seed: 0xffffffff, passages: 1234, questions: 7 });
    expect(odd.corpus).toHaveLength(1234);
    expect(odd.splits.train.length + odd.splits.dev.length + odd.splits.test.length).toBe(7);
  });
});

describe('synthetic world: plain style', () => {
  it('words each fact as its question does, and changes nothing else', () => {
    const options = { passages: 600, questions: 300 };
    const plain = generateSyntheticWorld({ ...options, style: 'plain' });
    const usual = generateSyntheticWorld(options);
    expect(plain.corpus.map((p) => p.title)).toEqual(usual.corpus.map((p) => p.title));
    expect(plain.questions.map((q) => q.answers)).toEqual(usual.questions.map((q) => q.answers));
    expect(plain.splits).toEqual(usual.splits);
    let chains = 0;
    for (const q of plain.questions) {
      for (const f of q.evidence) {
        // "What is the lead actor of X?" is answered by "The lead actor of X is Y."
        const np = /^What is (.+)\?$/.exec(f.subQuestion!)![1]!;
        expect(f.text).toBe(`${np[0]!.toUpperCase()}${np.slice(1)} is ${f.answer}.`);
      }
      if (q.type === 'compositional' || q.type === 'bridge') {
        chains++;
        // Every hop's noun phrase is in the question, words and all.
        const words = q.question.toLowerCase();
        for (const f of q.evidence) {
          const head = f.subQuestion!.slice('What is '.length, f.subQuestion!.indexOf(f.passageTitle)).trim();
          expect(head.length).toBeGreaterThan(3);
          expect(words).toContain(head.toLowerCase());
        }
      }
    }
    expect(chains).toBeGreaterThan(50);
    // The paraphrased world keeps both wordings of a relation.
    const director = usual.corpus.flatMap((p) => p.text.match(/was directed by|The director of/g) ?? []);
    expect(new Set(director).size).toBe(2);
  });
});

describe('synthetic world: building blocks', () => {
  it('IndexPermutation is a seeded bijection of [0, size)', () => {
    for (const size of [1, 2, 7, 1000, 4097]) {
      const perm = new IndexPermutation(size, 9);
      const images = Array.from({ length: size }, (_, i) => perm.at(i));
      expect(new Set(images).size).toBe(size);
      expect(Math.min(...images)).toBe(0);
      expect(Math.max(...images)).toBe(size - 1);
    }
    const a = Array.from({ length: 50 }, (_, i) => new IndexPermutation(1000, 1).at(i));
    const b = Array.from({ length: 50 }, (_, i) => new IndexPermutation(1000, 2).at(i));
    expect(a).not.toEqual(b);
    expect(() => new IndexPermutation(0, 1)).toThrow(/size must be an integer/);
  });

  it('assertUniqueNames catches a repeated name', () => {
    expect(() => assertUniqueNames(['Ada Lorwick', 'Lumvale', 'Silent Harbor'])).not.toThrow();
    expect(() => assertUniqueNames(['Ada Lorwick', 'Lumvale', 'Ada Lorwick'])).toThrow(
      /both named "Ada Lorwick"/,
    );
  });
});
