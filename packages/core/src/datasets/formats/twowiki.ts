import { z } from 'zod';
import type { EvidenceFact, Passage, Question } from '../../types/data';
import { contextPassage, distinct, joinSentences, type QuestionFormatSpec, withoutQualifier } from './common';
import { checkFactsInContext, nonBlank } from './fields';

/** One 2WikiMultihopQA record (train.json / dev.json: a JSON array of these). */
export const TwoWikiRecordSchema = z
  .object({
    _id: nonBlank('every question needs an id'),
    question: nonBlank('every question needs its text'),
    answer: nonBlank('every question needs its gold answer'),
    /** [subject, relation, object] triples, in reasoning order. */
    evidences: z.array(z.tuple([z.string(), z.string(), z.string()])),
    supporting_facts: z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
    context: z
      .array(z.tuple([z.string(), z.array(z.string())]))
      .min(1, 'empty: every question needs its context paragraphs'),
    type: z.string().optional(),
  })
  .superRefine((r, ctx) => checkFactsInContext(r.supporting_facts, r.context, ctx));
export type TwoWikiRecord = z.infer<typeof TwoWikiRecordSchema>;

/** An evidence triple as one sentence: "The director of Blue Harbor is Ada Reyes." */
export function renderTriple(subject: string, relation: string, object: string): string {
  return `The ${relation.trim()} of ${subject.trim()} is ${object.trim()}.`;
}

const lower = (s: string) => s.trim().toLowerCase();

/**
 * The gold paragraph a triple comes from. Subjects are entity names while titles are Wikipedia
 * titles ("Blue Harbor" vs "Blue Harbor (film)"), so: the title itself, then the title without its
 * parenthesised qualifier, then a paragraph naming both subject and object, then one naming the
 * object, then the i-th gold paragraph.
 */
function sourceParagraph(gold: readonly Passage[], triple: readonly string[], i: number) {
  const [subject = '', , object = ''] = triple.map(lower);
  return (
    gold.find((p) => lower(p.title) === subject) ??
    gold.find((p) => lower(withoutQualifier(p.title)) === subject) ??
    gold.find((p) => lower(p.text).includes(subject) && lower(p.text).includes(object)) ??
    gold.find((p) => lower(p.text).includes(object)) ??
    gold[Math.min(i, gold.length - 1)]
  );
}

function convert(record: TwoWikiRecord): { question: Question } {
  const context = record.context.map(([title, sentences]) => contextPassage(title, joinSentences(sentences)));
  const byTitle = new Map<string, Passage>();
  for (const passage of context) if (!byTitle.has(passage.title)) byTitle.set(passage.title, passage);
  const goldTitles = distinct(record.supporting_facts.map(([title]) => title.trim()));
  const gold = goldTitles.flatMap((title) => {
    const passage = byTitle.get(title);
    return passage ? [passage] : [];
  });

  const evidence: EvidenceFact[] = record.evidences.map((triple, i) => {
    const [subject, relation, object] = triple;
    const source = sourceParagraph(gold, triple, i);
    return {
      text: renderTriple(subject, relation, object),
      passageTitle: source?.title ?? subject.trim(),
      ...(source && { passageId: source.id }),
      answer: object.trim(),
    };
  });
  return {
    question: {
      id: record._id,
      dataset: '2wikimultihopqa',
      question: record.question.trim(),
      answers: [record.answer.trim()],
      type: record.type,
      hops: goldTitles.length || undefined,
      evidence,
      goldTitles,
      goldPassageIds: gold.length === goldTitles.length ? gold.map((p) => p.id) : [],
      context,
      meta: { format: '2wikimultihopqa', evidenceTriples: record.evidences },
    },
  };
}

export const twoWiki: QuestionFormatSpec<TwoWikiRecord> = {
  format: '2wikimultihopqa',
  label: '2WikiMultihopQA',
  idField: '_id',
  looksLike: (r) => 'evidences' in r && 'context' in r,
  schema: TwoWikiRecordSchema,
  convert,
};
