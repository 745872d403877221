import type { EvidenceFact, Passage, Question } from '../types/data';
import { passageId } from './passage-id';

/** Finds passages by exact content (title + text) or by title. */
export class PassageLookup {
  private readonly ids = new Set<string>();
  // Keyed by content id, not by the text itself: a million long keys would double the corpus in memory.
  private readonly byContent = new Map<string, string>();
  private readonly byTitle = new Map<string, string[]>();

  constructor(passages: Iterable<Passage> = []) {
    for (const passage of passages) this.add(passage);
  }

  add(passage: Passage, contentId = passageId(passage.title.trim(), passage.text.trim())): void {
    this.ids.add(passage.id);
    if (!this.byContent.has(contentId)) this.byContent.set(contentId, passage.id);
    const title = passage.title.trim();
    const ids = this.byTitle.get(title);
    if (ids) ids.push(passage.id);
    else this.byTitle.set(title, [passage.id]);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Id of the passage whose title + text have this content id (passageId). */
  byContentId(contentId: string): string | undefined {
    return this.byContent.get(contentId);
  }

  /** Id of the one passage with this title; undefined when there is none or the title is ambiguous. */
  byUniqueTitle(title: string): string | undefined {
    const ids = this.byTitle.get(title.trim());
    return ids?.length === 1 ? ids[0] : undefined;
  }
}

/** A gold or evidence passage of a question that could not be found in the corpus. */
export interface UnresolvedGold {
  questionId: string;
  title: string;
}

const contentIdOf = (p: { title: string; text: string }) => passageId(p.title.trim(), p.text.trim());

/**
 * The question with its gold passage ids and evidence passage ids in `lookup`'s ids. A gold
 * passage is found by its exact text when the question ships it in its context, else by a title
 * that names exactly one passage. When some gold passage cannot be found, goldPassageIds is left
 * empty so that recall falls back to titles rather than counting against a partial gold set.
 * `contentIds` may give the context paragraphs' content ids when the caller has them already.
 */
export function resolveQuestion(
  question: Question,
  lookup: PassageLookup,
  unresolved: UnresolvedGold[] = [],
  contentIds: readonly string[] = (question.context ?? []).map(contentIdOf),
): Question {
  const context = question.context ?? [];
  const found = context.map((_, i) => lookup.byContentId(contentIds[i] as string));
  const ownById = new Map<string, number>();
  const ownByTitle = new Map<string, number>();
  context.forEach((p, i) => {
    ownById.set(p.id ?? (contentIds[i] as string), i);
    if (!ownByTitle.has(p.title.trim())) ownByTitle.set(p.title.trim(), i);
  });

  // Own paragraph's exact text first (maps content ids to any corpus's ids), then an id the corpus
  // already uses, then the question's own paragraph of that title, then a title unique in the corpus.
  const find = (title: string, knownId?: string): string | undefined => {
    const own = knownId !== undefined ? ownById.get(knownId) : undefined;
    const ownMatch = own !== undefined ? found[own] : undefined;
    if (ownMatch) return ownMatch;
    if (knownId !== undefined && lookup.has(knownId)) return knownId;
    if (title.trim() === '') return undefined;
    const titled = ownByTitle.get(title.trim());
    return (titled !== undefined ? found[titled] : undefined) ?? lookup.byUniqueTitle(title);
  };

  // Parsers give gold ids as content ids of the question's own paragraphs.
  const byIds = question.goldPassageIds.length > 0;
  const wanted = byIds
    ? question.goldPassageIds.map((id) => {
        const own = ownById.get(id);
        return { id, title: own !== undefined ? (context[own]?.title ?? '') : '' };
      })
    : question.goldTitles.map((title) => ({ id: undefined, title }));
  const goldIds: string[] = [];
  let missing = false;
  for (const gold of wanted) {
    const id = find(gold.title, gold.id);
    if (id) goldIds.push(id);
    else {
      missing = true;
      unresolved.push({ questionId: question.id, title: gold.title || (gold.id ?? '') });
    }
  }

  const evidence = question.evidence.map((fact): EvidenceFact => {
    const { passageId: known, ...rest } = fact;
    const id = find(fact.passageTitle, known);
    return id ? { ...rest, passageId: id } : rest;
  });
  const resolvedContext = question.context?.map((p, i) => {
    const id = found[i];
    return id ? { ...p, id } : { title: p.title, text: p.text };
  });
  return {
    ...question,
    evidence,
    goldPassageIds: missing ? [] : [...new Set(goldIds)],
    ...(resolvedContext && { context: resolvedContext }),
  };
}

/** Resolves questions' gold and evidence passages against any corpus (e.g. a JSONL corpus file). */
export function resolveQuestions(
  questions: Iterable<Question>,
  passages: Iterable<Passage>,
): { questions: Question[]; unresolved: UnresolvedGold[] } {
  const lookup = new PassageLookup(passages);
  const unresolved: UnresolvedGold[] = [];
  const resolved = [...questions].map((q) => resolveQuestion(q, lookup, unresolved));
  return { questions: resolved, unresolved };
}

/**
 * A corpus merged from questions' own paragraphs, as IRCoT built its retrieval corpora: every
 * context paragraph once, duplicates (same title and same text) dropped, first-seen order. Ids are
 * content ids (passageId), so they do not depend on which questions or in what order. Add
 * questions one at a time while a file streams; each comes back resolved against the corpus.
 */
export class CorpusBuilder {
  private readonly byId = new Map<string, Passage>();
  private readonly lookup = new PassageLookup();
  readonly unresolved: UnresolvedGold[] = [];

  add(question: Question): Question {
    const contentIds = (question.context ?? []).map((p) => {
      const title = p.title.trim();
      const text = p.text.trim();
      const id = passageId(title, text);
      const existing = this.byId.get(id);
      if (!existing) {
        const passage = { id, title, text };
        this.byId.set(id, passage);
        this.lookup.add(passage, id);
      } else if (existing.title !== title || existing.text !== text) {
        throw new Error(
          `Corpus: passages "${existing.title}" and "${title}" (question ${question.id}) hash to the same id ${id}. This is a 1-in-10^19 event: please report it with both paragraphs.`,
        );
      }
      return id;
    });
    return resolveQuestion(question, this.lookup, this.unresolved, contentIds);
  }

  get size(): number {
    return this.byId.size;
  }

  passages(): Passage[] {
    return [...this.byId.values()];
  }
}

/** The dataset's corpus and its questions resolved against it (see CorpusBuilder). */
export function buildCorpus(questions: Iterable<Question>): {
  passages: Passage[];
  questions: Question[];
  unresolved: UnresolvedGold[];
} {
  const builder = new CorpusBuilder();
  const resolved = [...questions].map((q) => builder.add(q));
  return { passages: builder.passages(), questions: resolved, unresolved: builder.unresolved };
}
