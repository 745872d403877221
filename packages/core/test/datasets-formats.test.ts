import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { substituteHopReferences } from '../src/datasets/formats/musique';
import { renderTriple } from '../src/datasets/formats/twowiki';
import { passageId } from '../src/datasets/passage-id';
import { readPassages } from '../src/datasets/passages';
import { parseQuestions, readQuestions, type SkippedRecord } from '../src/datasets/questions';
import { QuestionSchema } from '../src/types/data';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'datasets', name), 'utf8');

async function* oddChunks(text: string): AsyncGenerator<string> {
  let size = 3;
  for (let i = 0; i < text.length; i += size, size = (size % 11) + 2) yield text.slice(i, i + size);
}

describe('HotpotQA', () => {
  it('reads questions, answers, type, level and the shipped paragraphs', async () => {
    const [q1, q2] = await readQuestions(fixture('hotpotqa.json'), { format: 'hotpotqa' });
    expect(q1).toMatchObject({
      id: '5a8b57f25542995d1e6f1371',
      dataset: 'hotpotqa',
      question: 'Were Scott Derrickson and Ed Wood of the same nationality?',
      answers: ['yes'],
      type: 'comparison',
      hops: 2,
      meta: { format: 'hotpotqa', level: 'hard' },
    });
    expect(q1?.context).toHaveLength(4);
    // Sentences carry their own leading space in HotpotQA: joined with exactly one.
    expect(q1?.context?.[1]).toEqual({
      id: passageId(
        'Scott Derrickson',
        'Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer. He lives in Los Angeles, California. He is best known for directing horror films such as "Sinister".',
      ),
      title: 'Scott Derrickson',
      text: 'Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer. He lives in Los Angeles, California. He is best known for directing horror films such as "Sinister".',
    });
    expect(q2?.answers).toEqual(['Chief of Protocol']);
  });

  it('takes evidence = the supporting sentences in supporting_facts order, with gold titles and ids', async () => {
    const [q1, q2] = await readQuestions(fixture('hotpotqa.json'));
    expect(q1?.goldTitles).toEqual(['Scott Derrickson', 'Ed Wood']);
    expect(q1?.evidence.map((e) => [e.passageTitle, e.text])).toEqual([
      [
        'Scott Derrickson',
        'Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer.',
      ],
      [
        'Ed Wood',
        'Edward Davis Wood Jr. (October 10, 1924 – December 10, 1978) was an American filmmaker, actor, writer, producer, and director.',
      ],
    ]);
    // "Ed Wood" is not "Ed Wood (film)": the gold id is the exact title's paragraph.
    const byTitle = new Map(q1?.context?.map((p) => [p.title, p.id]));
    expect(q1?.goldPassageIds).toEqual([byTitle.get('Scott Derrickson'), byTitle.get('Ed Wood')]);
    expect(q1?.evidence.map((e) => e.passageId)).toEqual(q1?.goldPassageIds);
    expect(q2?.evidence.map((e) => e.text)).toEqual([
      'Kiss and Tell is a 1945 American comedy film starring then 17-year-old Shirley Temple as Corliss Archer.',
      'Shirley Temple Black (April 23, 1928 – February 10, 2014) was an American actress, singer, dancer, businesswoman, and diplomat.',
      'As an adult, she was named United States ambassador to Ghana and to Czechoslovakia and also served as Chief of Protocol of the United States.',
    ]);
    expect(q2?.goldTitles).toEqual(['Kiss and Tell (1945 film)', 'Shirley Temple']);
  });

  it('every question it yields satisfies QuestionSchema', async () => {
    for (const name of ['hotpotqa.json', '2wikimultihopqa.json', 'musique.jsonl', 'ircot.jsonl']) {
      for (const q of await readQuestions(fixture(name)))
        expect(QuestionSchema.safeParse(q).success).toBe(true);
    }
  });

  it('keeps a record whose supporting fact points past the paragraph, noting the bad fact', async () => {
    const record = JSON.parse(fixture('hotpotqa.json'))[0];
    record.supporting_facts.push(['Ed Wood', 9]);
    const [q] = await readQuestions(JSON.stringify([record]));
    expect(q?.evidence).toHaveLength(2);
    expect(q?.meta?.missingSupportingFacts).toEqual(['Ed Wood#9']);
  });

  it("reads the Hugging Face export's column layout to the same question", async () => {
    const [hf] = await readQuestions(fixture('hotpotqa-hf.jsonl'));
    expect(hf?.id).toBe('5a8b57f25542995d1e6f1371');
    expect(hf?.goldTitles).toEqual(['Scott Derrickson', 'Ed Wood']);
    expect(hf?.evidence[0]?.text).toBe(
      'Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer.',
    );
    expect(hf?.context?.map((p) => p.title)).toEqual(['Scott Derrickson', 'Ed Wood']);
  });

  it('streams: odd chunk boundaries give the same questions', async () => {
    const text = fixture('hotpotqa.json');
    const streamed: unknown[] = [];
    for await (const q of parseQuestions(oddChunks(text))) streamed.push(q);
    expect(streamed).toEqual(await readQuestions(text));
  });
});

describe('2WikiMultihopQA', () => {
  it('renders evidence triples as sentences, each from the gold paragraph of its subject', async () => {
    const [compositional, comparison] = await readQuestions(fixture('2wikimultihopqa.json'));
    expect(compositional).toMatchObject({
      dataset: '2wikimultihopqa',
      type: 'compositional',
      answers: ['Małgorzata Braunek'],
      goldTitles: ['Polish-Russian War (film)', 'Xawery Żuławski'],
      hops: 2,
    });
    expect(compositional?.evidence.map((e) => [e.text, e.passageTitle, e.answer])).toEqual([
      [
        'The director of Polish-Russian War is Xawery Żuławski.',
        'Polish-Russian War (film)',
        'Xawery Żuławski',
      ],
      ['The mother of Xawery Żuławski is Małgorzata Braunek.', 'Xawery Żuławski', 'Małgorzata Braunek'],
    ]);
    // 2Wiki sentences have no leading space: joined with one.
    expect(compositional?.context?.[0]?.text).toBe(
      'Xawery Żuławski (born 22 December 1973 in Warsaw) is a Polish film director. In 1995 he graduated from the National Film School in Łódź. He is the son of actress Małgorzata Braunek and director Andrzej Żuławski.',
    );
    expect(comparison?.evidence.map((e) => e.passageTitle)).toEqual(['Blind Shaft', 'The Mask of Fu Manchu']);
    expect(comparison?.evidence.map((e) => e.passageId)).toEqual(comparison?.goldPassageIds);
  });

  it('renderTriple makes one declarative sentence', () => {
    expect(renderTriple(' Blue Harbor ', 'director', 'Ada Reyes')).toBe(
      'The director of Blue Harbor is Ada Reyes.',
    );
  });

  it('streams from a Node file stream in 7-byte chunks', async () => {
    const path = join(__dirname, 'fixtures', 'datasets', '2wikimultihopqa.json');
    const streamed = await readQuestions(createReadStream(path, { highWaterMark: 7 }));
    expect(streamed).toEqual(await readQuestions(fixture('2wikimultihopqa.json')));
  });
});

describe('MuSiQue', () => {
  it('reads answers with aliases, hop type and decomposition evidence with #k substituted', async () => {
    const skipped: SkippedRecord[] = [];
    const [two, three, ...rest] = await readQuestions(fixture('musique.jsonl'), {
      onSkip: (s) => skipped.push(s),
    });
    expect(rest).toEqual([]);
    expect(two).toMatchObject({ dataset: 'musique', answers: ['1842', 'in 1842'], type: '2hop', hops: 2 });
    expect(two?.evidence).toEqual([
      {
        text: 'She was born in Coventry, according to legend, and rode naked through its streets.',
        passageTitle: 'Lady Godiva',
        passageId: two?.context?.[1]?.id,
        subQuestion: "Lady Godiva's birthplace",
        answer: 'Coventry',
      },
      {
        text: 'The county of Coventry was abolished in 1842.',
        passageTitle: 'Coventry',
        passageId: two?.context?.[2]?.id,
        subQuestion: 'When was the county of Coventry abolished?',
        answer: '1842',
      },
    ]);
    expect(two?.goldTitles).toEqual(['Lady Godiva', 'Coventry']);
    expect(three?.type).toBe('3hop1');
    expect(three?.evidence.map((e) => e.subQuestion)).toEqual([
      'Who painted Guernica?',
      'What country was Pablo Picasso from?',
      'What is the capital of Spain, the country of Pablo Picasso?',
    ]);
    // Gold in reasoning order (paragraph 1, then 0, then 2), not file order.
    expect(three?.goldTitles).toEqual(['Guernica (Picasso)', 'Pablo Picasso', 'Spain']);
    expect(skipped).toEqual([
      { line: 3, index: 2, id: '2hop__1_2', reason: 'unanswerable (MuSiQue-full contrast question)' },
    ]);
  });

  it('keeps unanswerable questions when asked, with no evidence paragraph for their hops', async () => {
    const questions = await readQuestions(fixture('musique.jsonl'), { skipUnanswerable: false });
    const unanswerable = questions[2];
    expect(unanswerable?.meta?.answerable).toBe(false);
    expect(unanswerable?.goldPassageIds).toEqual([]);
    expect(unanswerable?.evidence[1]).toEqual({
      text: 'The answer to "Who founded Nowhere?" is Nobody.',
      passageTitle: '',
      subQuestion: 'Who founded Nowhere?',
      answer: 'Nobody',
    });
  });

  it('keeps two paragraphs that share a title apart', async () => {
    const [two] = await readQuestions(fixture('musique.jsonl'));
    const greens = two?.context?.filter((p) => p.title === 'Green') ?? [];
    expect(greens).toHaveLength(2);
    expect(greens[0]?.id).not.toBe(greens[1]?.id);
  });

  it('substitutes only earlier answers', () => {
    expect(substituteHopReferences('Who founded #1 with #2 in #3?', ['Rome', 'Remus'])).toBe(
      'Who founded Rome with Remus in #3?',
    );
  });
});

describe("IRCoT's processed format", () => {
  it('reads HotpotQA-, 2Wiki-, MuSiQue- and IIRC-style records', async () => {
    const [hotpot, wiki, musique, iirc] = await readQuestions(fixture('ircot.jsonl'));
    expect(hotpot).toMatchObject({
      id: '5a8b57f25542995d1e6f1371',
      dataset: 'ircot',
      answers: ['yes'],
      type: 'comparison',
      goldTitles: ['Scott Derrickson', 'Ed Wood'],
      evidence: [],
      meta: { format: 'ircot', sourceDataset: 'hotpotqa', level: 'hard' },
    });
    expect(hotpot?.context).toHaveLength(3);
    expect(wiki?.evidence.map((e) => [e.text, e.passageTitle])).toEqual([
      ['Polish-Russian War director Xawery Żuławski.', 'Polish-Russian War (film)'],
      ['Xawery Żuławski mother Małgorzata Braunek.', 'Xawery Żuławski'],
    ]);
    expect(musique?.evidence.map((e) => [e.subQuestion, e.answer, e.passageTitle, e.text])).toEqual([
      [
        "Lady Godiva's birthplace",
        'Coventry',
        'Lady Godiva',
        'She was born in Coventry, according to legend.',
      ],
      [
        'When was the county of Coventry abolished?',
        '1842',
        'Coventry',
        'The county of Coventry was abolished in 1842.',
      ],
    ]);
    // DROP-style answers: numbers and dates become answers too.
    expect(iirc?.answers).toEqual(['12', '4 July 1776']);
  });

  it('labels questions with the dataset asked for', async () => {
    const questions = await readQuestions(fixture('ircot.jsonl'), { dataset: 'hotpotqa' });
    expect(new Set(questions.map((q) => q.dataset))).toEqual(new Set(['hotpotqa']));
  });
});

describe('auto-detection', () => {
  it('detects each format from its first record', async () => {
    const formats = await Promise.all(
      ['hotpotqa.json', '2wikimultihopqa.json', 'musique.jsonl', 'ircot.jsonl', 'hotpotqa-hf.jsonl'].map(
        async (name) => (await readQuestions(fixture(name)))[0]?.meta?.format,
      ),
    );
    expect(formats).toEqual(['hotpotqa', '2wikimultihopqa', 'musique', 'ircot', 'hotpotqa']);
  });
});

describe('plain JSONL corpus', () => {
  it('reads passages, numeric ids as text, blank lines skipped', async () => {
    const passages = await readPassages(fixture('corpus.jsonl'));
    expect(passages.map((p) => p.id)).toEqual(['p1', 'p2', '3', 'p4']);
    expect(passages[1]).toEqual({
      id: 'p2',
      title: 'Ed Wood',
      text: 'Edward Davis Wood Jr. (October 10, 1924 – December 10, 1978) was an American filmmaker, actor, writer, producer, and director.',
    });
  });
});
