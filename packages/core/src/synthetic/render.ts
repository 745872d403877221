import TEMPLATES from './data/templates.json';
import { kindOf, OCCUPATION_ACTOR, OCCUPATION_DIRECTOR, OCCUPATION_FOUNDER, type WorldGraph } from './graph';
import { hash3 } from './hash';
import {
  objectText,
  plainFactTemplate,
  RELATION_INDEX,
  RELATION_TEXT,
  RELATIONS,
  type Relation,
  target,
} from './relations';
import { words } from './words';

type Fill = (x: string, y: string) => string;

/** Templates are split once into literal pieces, so rendering a million passages is plain concatenation. */
function compile(template: string): Fill {
  const parts = template.split(/(\{x\}|\{y\})/);
  return (x, y) => {
    let out = '';
    for (const p of parts) out += p === '{x}' ? x : p === '{y}' ? y : p;
    return out;
  };
}

const FACTS = Object.fromEntries(RELATIONS.map((r) => [r, RELATION_TEXT[r].facts.map(compile)])) as Record<
  Relation,
  Fill[]
>;
/** The plain style's one wording: the relation's noun phrase, as questions use it ("The director of X is Y."). */
const PLAIN_FACTS = Object.fromEntries(RELATIONS.map((r) => [r, compile(plainFactTemplate(r))])) as Record<
  Relation,
  Fill
>;
const D = TEMPLATES.descriptions;
const DESCRIBE = Object.fromEntries(Object.entries(D).map(([k, list]) => [k, list.map(compile)])) as Record<
  keyof typeof D,
  Fill[]
>;
/** Salt for description sentences, beyond the relation indices. */
const DESCRIPTION_SALT = 1000;

/** Which paraphrase an entity's sentence uses: hashed, so every rendering of it agrees. */
function variant<T>(g: WorldGraph, e: number, salt: number, list: readonly T[]): T {
  return list[hash3(g.seed, e, salt) % list.length]!;
}

/** The sentence stating (e, r) in e's passage, or null when e has no such fact. */
export function factSentence(g: WorldGraph, e: number, r: Relation): string | null {
  const value = target(g, e, r);
  return value < 0 ? null : fact(g, e, r, value);
}

function fact(g: WorldGraph, e: number, r: Relation, value: number): string {
  const fill = g.style === 'plain' ? PLAIN_FACTS[r] : variant(g, e, RELATION_INDEX[r], FACTS[r]);
  return fill(g.names[e]!, objectText(g, r, value));
}

function describe(g: WorldGraph, e: number, key: keyof typeof D, y = '', salt = 0): string {
  return variant(g, e, DESCRIPTION_SALT + salt, DESCRIBE[key])(g.names[e]!, y);
}

/** 1434000 → "1,434,000" (toLocaleString would depend on the host's locale data). */
function thousands(n: number): string {
  let out = String(n % 1000);
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    out = `${rest >= 1000 ? String(rest % 1000).padStart(3, '0') : rest},${out.padStart(3, '0')}`;
  }
  return out;
}

/**
 * A Wikipedia-like paragraph about entity e: what it is, then one fact per sentence, always
 * naming e (never a pronoun) so that each sentence can stand alone as a reasoning step.
 * Reads the arrays directly (no generic relation lookup): this renders every passage of a
 * million-passage corpus.
 */
export function passageText(g: WorldGraph, e: number): string {
  const { start } = g;
  const out: string[] = [];
  switch (kindOf(g, e)) {
    case 'country': {
      const i = e - start.country;
      out.push(describe(g, e, g.country.union[i] ? 'unionCountry' : 'country', g.country.alsoKnownAs[i]));
      add(out, g, e, 'capital', g.country.capital[i]!);
      out.push(describe(g, e, 'countryPopulation', String(g.country.population[i]), 1));
      break;
    }
    case 'city': {
      const i = e - start.city;
      add(out, g, e, 'country', g.city.country[i]!);
      out.push(describe(g, e, 'cityPopulation', thousands(g.city.population[i]!), 1));
      break;
    }
    case 'person': {
      const p = g.person;
      const i = e - start.person;
      out.push(describe(g, e, 'person', occupationOf(p.occupation[i]!)));
      add(out, g, e, 'dob', p.dob[i]!);
      add(out, g, e, 'birthCity', p.birthCity[i]!);
      add(out, g, e, 'citizenship', p.citizenship[i]!);
      add(out, g, e, 'almaMater', p.almaMater[i]!);
      add(out, g, e, 'spouse', p.spouse[i]!);
      add(out, g, e, 'father', p.father[i]!);
      const known = p.knownFor[i]!;
      if (known >= 0) out.push(describe(g, e, 'knownFor', g.names[known], 2));
      const founded = p.founded[i]!;
      if (founded >= 0) out.push(describe(g, e, 'founderOf', g.names[founded], 3));
      break;
    }
    case 'film': {
      const i = e - start.film;
      out.push(describe(g, e, 'film', words.film.genres[g.film.genre[i]!]));
      add(out, g, e, 'director', g.film.director[i]!);
      add(out, g, e, 'star', g.film.star[i]!);
      add(out, g, e, 'studio', g.film.studio[i]!);
      add(out, g, e, 'releaseYear', g.film.year[i]!);
      break;
    }
    case 'studio': {
      const i = e - start.studio;
      out.push(describe(g, e, 'studio'));
      add(out, g, e, 'founded', g.org.year[i]!);
      add(out, g, e, 'founder', g.org.founder[i]!);
      add(out, g, e, 'basedIn', g.org.city[i]!);
      break;
    }
    case 'university': {
      const i = e - start.studio;
      out.push(describe(g, e, 'university', words.organisations.universityKinds[g.org.category[i]!]));
      add(out, g, e, 'founded', g.org.year[i]!);
      add(out, g, e, 'locatedIn', g.org.city[i]!);
      break;
    }
    case 'company': {
      const i = e - start.studio;
      out.push(describe(g, e, 'company', words.organisations.companies[g.org.category[i]!]?.industry));
      add(out, g, e, 'founded', g.org.year[i]!);
      add(out, g, e, 'founder', g.org.founder[i]!);
      add(out, g, e, 'basedIn', g.org.city[i]!);
      break;
    }
  }
  return out.join(' ');
}

function add(out: string[], g: WorldGraph, e: number, r: Relation, value: number): void {
  if (value >= 0) out.push(fact(g, e, r, value));
}

function occupationOf(code: number): string | undefined {
  if (code === OCCUPATION_DIRECTOR) return words.people.director;
  if (code === OCCUPATION_ACTOR) return words.people.actor;
  if (code === OCCUPATION_FOUNDER) return words.people.founder;
  return words.people.occupations[code];
}

/** Passage id of the passage at corpus position `position`: "syn-000123". */
export function passageId(position: number): string {
  return `syn-${String(position).padStart(6, '0')}`;
}
