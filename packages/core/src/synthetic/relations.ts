import TEMPLATES from './data/templates.json';
import { type Kind, kindOf, type WorldGraph } from './graph';
import { words } from './words';

/** Functional relations: each subject has at most one object, so every hop has one answer. */
export const RELATIONS = [
  'director',
  'star',
  'studio',
  'releaseYear',
  'birthCity',
  'citizenship',
  'spouse',
  'father',
  'almaMater',
  'dob',
  'founder',
  'basedIn',
  'locatedIn',
  'founded',
  'country',
  'capital',
] as const;
export type Relation = (typeof RELATIONS)[number];

/** What a relation links: subject kinds → an entity kind, or a value (a year, a date yyyymmdd). */
export const RELATION_SPEC: Record<Relation, { subjects: readonly Kind[]; object: Kind | 'year' | 'date' }> =
  {
    director: { subjects: ['film'], object: 'person' },
    star: { subjects: ['film'], object: 'person' },
    studio: { subjects: ['film'], object: 'studio' },
    releaseYear: { subjects: ['film'], object: 'year' },
    birthCity: { subjects: ['person'], object: 'city' },
    citizenship: { subjects: ['person'], object: 'country' },
    spouse: { subjects: ['person'], object: 'person' },
    father: { subjects: ['person'], object: 'person' },
    almaMater: { subjects: ['person'], object: 'university' },
    dob: { subjects: ['person'], object: 'date' },
    founder: { subjects: ['studio', 'company'], object: 'person' },
    basedIn: { subjects: ['studio', 'company'], object: 'city' },
    locatedIn: { subjects: ['university'], object: 'city' },
    founded: { subjects: ['studio', 'university', 'company'], object: 'year' },
    country: { subjects: ['city'], object: 'country' },
    capital: { subjects: ['country'], object: 'city' },
  };

export const RELATION_INDEX: Record<Relation, number> = Object.fromEntries(
  RELATIONS.map((r, i) => [r, i]),
) as Record<Relation, number>;

export function isRelation(x: string): x is Relation {
  return (RELATIONS as readonly string[]).includes(x);
}

export function isValueRelation(r: Relation): boolean {
  const o = RELATION_SPEC[r].object;
  return o === 'year' || o === 'date';
}

/** Sentence and question wording of each relation (data/templates.json). */
export const RELATION_TEXT: Record<Relation, { facts: string[]; np: string; question: string }> =
  TEMPLATES.relations;

/** The question asking for (x, r): the relation's own wording, or in the plain style "What is <np>?". */
export function relationQuestion(g: Pick<WorldGraph, 'style'>, r: Relation, x: string): string {
  const t = RELATION_TEXT[r];
  return g.style === 'plain' ? `What is ${t.np.replace('{x}', x)}?` : t.question.replace('{x}', x);
}

/** The object of (e, r): a global entity index, a year, or a date yyyymmdd; -1 when e has none. */
export function target(g: WorldGraph, e: number, r: Relation): number {
  const { start } = g;
  const kind = kindOf(g, e);
  if (!RELATION_SPEC[r].subjects.includes(kind)) return -1;
  switch (r) {
    case 'director':
      return g.film.director[e - start.film]!;
    case 'star':
      return g.film.star[e - start.film]!;
    case 'studio':
      return g.film.studio[e - start.film]!;
    case 'releaseYear':
      return g.film.year[e - start.film]!;
    case 'birthCity':
      return g.person.birthCity[e - start.person]!;
    case 'citizenship':
      return g.person.citizenship[e - start.person]!;
    case 'spouse':
      return g.person.spouse[e - start.person]!;
    case 'father':
      return g.person.father[e - start.person]!;
    case 'almaMater':
      return g.person.almaMater[e - start.person]!;
    case 'dob':
      return g.person.dob[e - start.person]!;
    case 'founder':
      return g.org.founder[e - start.studio]!;
    case 'basedIn':
    case 'locatedIn':
      return g.org.city[e - start.studio]!;
    case 'founded':
      return g.org.year[e - start.studio]!;
    case 'country':
      return g.city.country[e - start.city]!;
    case 'capital':
      return g.country.capital[e - start.country]!;
  }
}

/** "12 March 1953" */
export function formatDate(date: number): string {
  const month = words.months[(Math.floor(date / 100) % 100) - 1];
  return `${date % 100} ${month} ${Math.floor(date / 10000)}`;
}

/** The object of a relation as text: an entity's name or a formatted value. */
export function objectText(g: WorldGraph, r: Relation, value: number): string {
  const o = RELATION_SPEC[r].object;
  if (o === 'year') return String(value);
  if (o === 'date') return formatDate(value);
  return g.names[value]!;
}

/** Accepted answers for a relation's object, gold first: country aliases, the US date order. */
export function objectAnswers(g: WorldGraph, r: Relation, value: number): string[] {
  const o = RELATION_SPEC[r].object;
  const text = objectText(g, r, value);
  if (o === 'date') {
    const [day, month, year] = text.split(' ');
    return [text, `${month} ${day}, ${year}`];
  }
  if (o === 'country') return [text, ...(g.country.aliases[value - g.start.country] ?? [])];
  return [text];
}

const escapeRegExp = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The plain style's one wording of a relation: its noun phrase as a sentence ("The director of {x} is {y}."). */
export function plainFactTemplate(r: Relation): string {
  const { np } = RELATION_TEXT[r];
  return `${np[0]!.toUpperCase()}${np.slice(1)} is {y}.`;
}

/** A relation's every wording, in both styles. */
function wordings(r: Relation): string[] {
  return [...RELATION_TEXT[r].facts, plainFactTemplate(r)];
}

/**
 * The object a sentence states for (subject, relation) in any wording of the relation, or null
 * when the sentence is not that fact: how a student's step is told apart into a right fact, the
 * right fact with a wrong object (a copying error), or another fact altogether.
 */
export function factObject(sentence: string, relation: string, subject: string): string | null {
  if (!isRelation(relation)) return null;
  for (const w of wordings(relation)) {
    const pattern = escapeRegExp(w)
      .replace('\\{x\\}', () => escapeRegExp(subject))
      .replace('\\{y\\}', '(.+?)');
    const m = new RegExp(`^${pattern}$`).exec(sentence.trim());
    if (m) return m[1]!;
  }
  return null;
}

function checkTemplates(): void {
  for (const r of RELATIONS) {
    const t = RELATION_TEXT[r];
    if (!t || t.facts.length === 0)
      throw new Error(`synthetic templates.json: relation "${r}" has no fact sentences`);
    for (const f of t.facts) {
      if (!f.includes('{x}') || !f.includes('{y}')) {
        throw new Error(`synthetic templates.json: "${f}" (relation ${r}) must contain {x} and {y}`);
      }
    }
    if (!t.np.includes('{x}') || !t.question.includes('{x}')) {
      throw new Error(`synthetic templates.json: np and question of relation "${r}" must contain {x}`);
    }
  }
}

checkTemplates();
