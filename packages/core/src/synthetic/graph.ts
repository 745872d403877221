import { Rng } from '../util/rng';
import { hash3 } from './hash';
import { cityNames, countryNames, filmTitles, organisationNames, personNames, surnamePool } from './names';
import type { SyntheticStyle } from './types';
import { words } from './words';

/** Entity kinds; one passage per entity. Organisation kinds are contiguous: studio, university, company. */
export const KINDS = ['country', 'city', 'person', 'film', 'studio', 'university', 'company'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The world as flat typed arrays (struct of arrays), so a million entities cost a few bytes
 * each. Entity references are global indices; -1 means "none". Arrays are indexed by the
 * entity's index within its kind (for organisations: within all organisations).
 */
export interface WorldGraph {
  seed: number;
  /** How facts and questions are worded (types.ts SyntheticStyle). */
  style: SyntheticStyle;
  size: number;
  /** Global index range [start[k], start[next k]) of each kind; start.end = size. */
  start: Record<Kind | 'end', number>;
  names: string[];
  country: {
    alsoKnownAs: string[];
    union: Uint8Array;
    aliases: string[][];
    capital: Int32Array;
    population: Int32Array;
  };
  city: { country: Int32Array; population: Int32Array };
  person: {
    female: Uint8Array;
    /** yyyymmdd */
    dob: Int32Array;
    birthCity: Int32Array;
    citizenship: Int32Array;
    spouse: Int32Array;
    father: Int32Array;
    almaMater: Int32Array;
    knownFor: Int32Array;
    founded: Int32Array;
    /** Index into words.people.occupations, or a role: -1 director, -2 actor, -3 founder. */
    occupation: Int8Array;
  };
  film: { director: Int32Array; star: Int32Array; studio: Int32Array; year: Int16Array; genre: Uint8Array };
  /** All organisations. */
  org: { founder: Int32Array; city: Int32Array; year: Int16Array; category: Uint8Array };
  /** Corpus position of each entity, and the entity at each position. */
  passageOf: Int32Array;
  order: Int32Array;
}

export const OCCUPATION_DIRECTOR = -1;
export const OCCUPATION_ACTOR = -2;
export const OCCUPATION_FOUNDER = -3;

const LATEST_YEAR = 2023;

export function kindOf(g: WorldGraph, e: number): Kind {
  const s = g.start;
  if (e < 0 || e >= s.end) throw new Error(`synthetic world: entity ${e} out of range`);
  if (e >= s.film)
    return e >= s.company ? 'company' : e >= s.university ? 'university' : e >= s.studio ? 'studio' : 'film';
  return e >= s.person ? 'person' : e >= s.city ? 'city' : 'country';
}

export function kindRange(g: WorldGraph, kind: Kind): [number, number] {
  const k = KINDS.indexOf(kind);
  const next = KINDS[k + 1];
  return [g.start[kind], next === undefined ? g.start.end : g.start[next]];
}

export function yearOfDate(date: number): number {
  return Math.floor(date / 10000);
}

/** How many entities of each kind a corpus of `passages` passages holds (sums to `passages`). */
export function entityCounts(passages: number): Record<Kind, number> {
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
  const counts = {
    country: clamp(Math.round(passages / 150), 8, 250),
    city: clamp(Math.round(passages * 0.06), 40, 80_000),
    person: 0,
    film: Math.round(passages * 0.3),
    studio: Math.max(6, Math.round(passages * 0.03)),
    university: Math.max(6, Math.round(passages * 0.025)),
    company: Math.max(6, Math.round(passages * 0.045)),
  };
  counts.person = passages - Object.values(counts).reduce((s, c) => s + c, 0);
  return counts;
}

/** Builds the seeded world: names, attributes and relations, kept consistent in time. */
export function buildWorldGraph(
  seed: number,
  passages: number,
  style: SyntheticStyle = 'paraphrased',
): WorldGraph {
  const rng = new Rng(hash3(seed, 0x77, 1));
  const n = entityCounts(passages);
  const start = {} as Record<Kind | 'end', number>;
  let at = 0;
  for (const kind of KINDS) {
    start[kind] = at;
    at += n[kind];
  }
  start.end = at;
  const size = at;
  const key = (k: number) => hash3(seed, 0x4e, k);
  const randomOf = (kind: Kind) => start[kind] + rng.int(n[kind]);

  const names = new Array<string>(size);
  const place = (kind: Kind, list: readonly string[]) => {
    for (let i = 0; i < list.length; i++) names[start[kind] + i] = list[i]!;
  };

  // Countries and cities: every country gets a city (its capital) first.
  const countries = countryNames(n.country, key(1), rng);
  place(
    'country',
    countries.map((c) => c.name),
  );
  place('city', cityNames(n.city, key(2), rng));
  const country = {
    alsoKnownAs: countries.map((c) => c.alsoKnownAs),
    union: Uint8Array.from(countries, (c) => (c.union ? 1 : 0)),
    aliases: countries.map((c) => c.aliases),
    capital: new Int32Array(n.country),
    population: new Int32Array(n.country),
  };
  const city = { country: new Int32Array(n.city), population: new Int32Array(n.city) };
  for (let i = 0; i < n.city; i++) {
    city.country[i] = start.country + (i < n.country ? i : rng.int(n.country));
    city.population[i] = (5 + rng.int(1995)) * 1000;
  }
  for (let i = 0; i < n.country; i++) {
    country.capital[i] = start.city + i;
    country.population[i] = 1 + rng.int(150);
  }

  // People: gender first, since first names are gendered.
  const female = new Uint8Array(n.person);
  let females = 0;
  for (let i = 0; i < n.person; i++) {
    female[i] = rng.next() < 0.5 ? 1 : 0;
    females += female[i]!;
  }
  const surnames = surnamePool(n.person, key(3), rng);
  const femaleNames = personNames(females, true, surnames, key(4), rng);
  const maleNames = personNames(n.person - females, false, surnames, key(5), rng);
  for (let i = 0, f = 0, m = 0; i < n.person; i++) {
    names[start.person + i] = female[i] ? femaleNames[f++]! : maleNames[m++]!;
  }
  const person = {
    female,
    dob: new Int32Array(n.person),
    birthCity: new Int32Array(n.person),
    citizenship: new Int32Array(n.person),
    spouse: new Int32Array(n.person).fill(-1),
    father: new Int32Array(n.person).fill(-1),
    almaMater: new Int32Array(n.person).fill(-1),
    knownFor: new Int32Array(n.person).fill(-1),
    founded: new Int32Array(n.person).fill(-1),
    occupation: new Int8Array(n.person),
  };
  const birthYear = (p: number) => yearOfDate(person.dob[p - start.person]!);
  for (let i = 0; i < n.person; i++) {
    person.dob[i] =
      (FIRST_BIRTH_YEAR + rng.int(BIRTH_YEARS)) * 10000 + (1 + rng.int(12)) * 100 + 1 + rng.int(28);
    const c = randomOf('city');
    person.birthCity[i] = c;
    person.citizenship[i] = rng.next() < 0.85 ? city.country[c - start.city]! : randomOf('country');
  }

  // Organisations: universities are old and founderless; studios and companies are founded by a person.
  const nOrg = n.studio + n.university + n.company;
  const org = {
    founder: new Int32Array(nOrg).fill(-1),
    city: new Int32Array(nOrg),
    year: new Int16Array(nOrg),
    category: new Uint8Array(nOrg),
  };
  const { studioSuffixes, universitySuffixes, universityKinds, companies } = words.organisations;
  place('studio', organisationNames(n.studio, studioSuffixes, surnames, key(6), rng).names);
  place('university', organisationNames(n.university, universitySuffixes, surnames, key(7), rng).names);
  const companyNames = organisationNames(
    n.company,
    companies.map((c) => c.suffix),
    surnames,
    key(8),
    rng,
  );
  place('company', companyNames.names);
  for (let e = start.studio; e < start.end; e++) {
    const i = e - start.studio;
    org.city[i] = randomOf('city');
    if (e >= start.university && e < start.company) {
      org.year[i] = 1500 + rng.int(460);
      org.category[i] = rng.int(universityKinds.length);
      continue;
    }
    const founder = randomOf('person');
    org.founder[i] = founder;
    org.year[i] = Math.min(2020, birthYear(founder) + 25 + rng.int(40));
    if (e >= start.company) org.category[i] = companyNames.suffix[e - start.company]!;
    if (person.founded[founder - start.person] === -1) person.founded[founder - start.person] = e;
  }
  for (let i = 0; i < n.person; i++) {
    if (rng.next() >= 0.6) continue;
    for (let t = 0; t < 8; t++) {
      const u = randomOf('university');
      if (org.year[u - start.studio]! <= yearOfDate(person.dob[i]!) + 18) {
        person.almaMater[i] = u;
        break;
      }
    }
  }

  // Films: the director comes first and fixes when the film can have been made.
  const directors: number[] = [];
  const actors: number[] = [];
  for (let p = start.person; p < start.film; p++) {
    if (rng.next() < 0.12) directors.push(p);
    if (rng.next() < 0.2) actors.push(p);
  }
  if (directors.length === 0) directors.push(start.person);
  if (actors.length === 0) actors.push(start.person + 1);
  place('film', filmTitles(n.film, key(9), rng));
  const film = {
    director: new Int32Array(n.film),
    star: new Int32Array(n.film).fill(-1),
    studio: new Int32Array(n.film).fill(-1),
    year: new Int16Array(n.film),
    genre: new Uint8Array(n.film),
  };
  for (let i = 0; i < n.film; i++) {
    const e = start.film + i;
    const director = rng.pick(directors);
    const year = Math.min(LATEST_YEAR, birthYear(director) + 25 + rng.int(35));
    film.director[i] = director;
    film.year[i] = year;
    film.genre[i] = rng.int(words.film.genres.length);
    for (let t = 0; t < 20; t++) {
      const a = rng.pick(actors);
      const age = year - birthYear(a);
      if (a !== director && age >= 8 && age <= 80) {
        film.star[i] = a;
        break;
      }
    }
    for (let t = 0; t < 12; t++) {
      const s = randomOf('studio');
      if (org.year[s - start.studio]! <= year) {
        film.studio[i] = s;
        break;
      }
    }
    const known = person.knownFor;
    if (known[director - start.person] === -1) known[director - start.person] = e;
    const star = film.star[i]!;
    if (star >= 0 && known[star - start.person] === -1) known[star - start.person] = e;
  }

  // Spouses of the opposite gender and a similar age; fathers 20-45 years older. Candidates
  // are drawn from people sorted by birth year, one lookup each, not by trial and error.
  const byYear = [peopleByBirthYear(person, 0), peopleByBirthYear(person, 1)] as const;
  const people = rng.shuffle(Array.from({ length: n.person }, (_, i) => i));
  for (const i of people) {
    if (person.spouse[i] !== -1 || rng.next() >= 0.55) continue;
    const year = yearOfDate(person.dob[i]!);
    const others = byYear[person.female[i] ? 0 : 1];
    for (let t = 0; t < 6; t++) {
      const j = others.pick(rng, year - 12, year + 12);
      if (j >= 0 && person.spouse[j] === -1) {
        person.spouse[i] = start.person + j;
        person.spouse[j] = start.person + i;
        break;
      }
    }
  }
  for (let i = 0; i < n.person; i++) {
    if (rng.next() >= 0.6) continue;
    const year = yearOfDate(person.dob[i]!);
    const j = byYear[0].pick(rng, year - 45, year - 20);
    if (j >= 0 && start.person + j !== person.spouse[i]) person.father[i] = start.person + j;
  }

  for (let i = 0; i < n.person; i++) {
    const p = start.person + i;
    const directs = person.knownFor[i] !== -1 && film.director[person.knownFor[i]! - start.film] === p;
    if (directs) person.occupation[i] = OCCUPATION_DIRECTOR;
    else if (person.knownFor[i] !== -1) person.occupation[i] = OCCUPATION_ACTOR;
    else if (person.founded[i] !== -1) person.occupation[i] = OCCUPATION_FOUNDER;
    else person.occupation[i] = rng.int(words.people.occupations.length);
  }

  assertUniqueNames(names);

  // Corpus order is shuffled so that a passage's id says nothing about its kind.
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const passageOf = new Int32Array(size);
  for (let i = 0; i < size; i++) passageOf[order[i]!] = i;

  return { seed, style, size, start, names, country, city, person, film, org, passageOf, order };
}

const FIRST_BIRTH_YEAR = 1880;
const BIRTH_YEARS = 120;

/** People of one gender (female = 0 or 1) sorted by birth year, for drawing someone born in a year range. */
function peopleByBirthYear(person: WorldGraph['person'], female: 0 | 1) {
  const first = new Int32Array(BIRTH_YEARS + 1);
  for (let i = 0; i < person.dob.length; i++) {
    if (person.female[i] === female) first[yearOfDate(person.dob[i]!) - FIRST_BIRTH_YEAR + 1]!++;
  }
  for (let y = 0; y < BIRTH_YEARS; y++) first[y + 1]! += first[y]!;
  const sorted = new Int32Array(first[BIRTH_YEARS]!);
  const next = first.slice();
  for (let i = 0; i < person.dob.length; i++) {
    if (person.female[i] === female) sorted[next[yearOfDate(person.dob[i]!) - FIRST_BIRTH_YEAR]!++] = i;
  }
  return {
    /** A random person born in [from, to], or -1 if there is none. */
    pick(rng: Rng, from: number, to: number): number {
      const lo = first[Math.max(0, Math.min(BIRTH_YEARS, from - FIRST_BIRTH_YEAR))]!;
      const hi = first[Math.max(0, Math.min(BIRTH_YEARS, to - FIRST_BIRTH_YEAR + 1))]!;
      return hi > lo ? sorted[lo + rng.int(hi - lo)]! : -1;
    },
  };
}

/**
 * Throws if two entities share a name. An open-addressing table of entity indices keyed by a
 * string hash: a Set of a million strings costs several times more time and memory.
 */
export function assertUniqueNames(names: readonly string[]): void {
  let bits = 4;
  while (1 << bits < names.length * 2) bits++;
  const mask = (1 << bits) - 1;
  const table = new Int32Array(mask + 1).fill(-1);
  for (let e = 0; e < names.length; e++) {
    const name = names[e]!;
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const other = table[slot]!;
      if (other === -1) {
        table[slot] = e;
        break;
      }
      if (names[other] === name) throw new Error(`synthetic world: two entities are both named "${name}"`);
    }
  }
}
