import { answeredSubQuestion, sentenceStating, withoutQualifier } from '../../datasets/formats/common';
import { FORMAT_READERS } from '../../datasets/formats/index';
import { normalizeAnswer } from '../../metrics/normalize';
import type { EvidenceFact, Question } from '../../types/data';
import type { SubQaRecord } from './schema';

export interface SubQuestionPair {
  question: string;
  answer: string;
}

/**
 * One sub-question as an evidence fact. Its text is the gold sentence stating the answer when
 * the question carries HotpotQA supporting facts or paragraphs: among the supporting sentences
 * naming the answer, the one whose paragraph the sub-question names (two sub-questions of a
 * comparison share the answer "American"), else the first not taken by an earlier sub-question;
 * failing that a sentence of a gold paragraph; otherwise the sub-question and answer as one sentence.
 */
function subQuestionFact(pair: SubQuestionPair, base: Question, taken: Set<EvidenceFact>): EvidenceFact {
  const needle = normalizeAnswer(pair.answer);
  const fact = (found: Omit<EvidenceFact, 'subQuestion' | 'answer'>): EvidenceFact => ({
    ...found,
    subQuestion: pair.question,
    answer: pair.answer,
  });
  const candidates = base.evidence.filter(
    (f) => needle !== '' && ` ${normalizeAnswer(f.text)} `.includes(` ${needle} `),
  );
  const question = ` ${normalizeAnswer(pair.question)} `;
  const named = candidates.filter((f) => {
    const title = normalizeAnswer(withoutQualifier(f.passageTitle));
    return title !== '' && question.includes(` ${title} `);
  });
  const chosen =
    named.find((f) => !taken.has(f)) ?? candidates.find((f) => !taken.has(f)) ?? named[0] ?? candidates[0];
  if (chosen) {
    taken.add(chosen);
    return fact(chosen);
  }
  const gold = new Set(base.goldTitles);
  for (const passage of base.context ?? []) {
    if (!gold.has(passage.title)) continue;
    const sentence = sentenceStating(passage.text, pair.answer);
    if (sentence) {
      return fact({
        text: sentence,
        passageTitle: passage.title,
        ...(passage.id !== undefined && { passageId: passage.id }),
      });
    }
  }
  return fact({ text: answeredSubQuestion(pair.question, pair.answer), passageTitle: '' });
}

/** The multi-hop question with its sub-questions as evidence, labelled dataset 'subqa'. */
export function withSubQuestions(base: Question, pairs: readonly SubQuestionPair[]): Question {
  const taken = new Set<EvidenceFact>();
  return {
    ...base,
    dataset: 'subqa',
    hops: pairs.length,
    evidence: pairs.map((pair) => subQuestionFact(pair, base, taken)),
    meta: { ...base.meta, format: 'subqa' },
  };
}

/** A multi-hop question without HotpotQA context: just its text, answer and labels. */
function bareQuestion(record: SubQaRecord): Question {
  return {
    id: record._id,
    dataset: 'subqa',
    question: record.question,
    answers: [record.answer],
    type: record.type,
    evidence: [],
    goldTitles: [],
    goldPassageIds: [],
    meta: { format: 'subqa', ...(record.level !== undefined && { level: record.level }) },
  };
}

/** A combined SubQA record as a Question (HotpotQA context read by the HotpotQA reader). */
export function convertSubQaRecord(record: SubQaRecord): Question {
  let base = bareQuestion(record);
  if (record.context !== undefined && record.supporting_facts !== undefined) {
    const read = FORMAT_READERS.hotpotqa.read(
      {
        _id: record._id,
        question: record.question,
        answer: record.answer,
        context: record.context,
        supporting_facts: record.supporting_facts,
        type: record.type,
        level: record.level,
      },
      {},
    );
    // The schema already checked these fields, so the HotpotQA reader accepts them.
    if (read.ok && 'question' in read.result) base = read.result.question;
  }
  return withSubQuestions(base, record.sub_questions);
}
