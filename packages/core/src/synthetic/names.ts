import type { Rng } from '../util/rng';
import { hash3, IndexPermutation } from './hash';
import { words } from './words';

/** One shape of name (e.g. "<Adjective> <Noun>") with `size` distinct codes. */
export interface NameShape {
  size: number;
  /** Share of the names drawn from this shape while it has room. */
  weight: number;
}

/** n distinct (shape, code) picks, shuffled; shapes that run out pass their share on. */
export interface NamePicks {
  shape: Uint8Array;
  code: Int32Array;
}

export function pickNameCodes(
  n: number,
  shapes: readonly NameShape[],
  key: number,
  rng: Rng,
  what: string,
): NamePicks {
  const capacity = shapes.reduce((s, p) => s + p.size, 0);
  if (n > capacity) {
    throw new Error(
      `synthetic world: only ${capacity} unique ${what} names exist, ${n} needed; lower "passages"`,
    );
  }
  const totalWeight = shapes.reduce((s, p) => s + p.weight, 0);
  const quota = shapes.map((p) => Math.min(p.size, Math.floor((n * p.weight) / totalWeight)));
  let left = n - quota.reduce((s, q) => s + q, 0);
  for (let i = 0; left > 0; i = (i + 1) % shapes.length) {
    const room = (shapes[i]?.size ?? 0) - (quota[i] ?? 0);
    if (room > 0) {
      const add = Math.min(room, left);
      quota[i] = (quota[i] ?? 0) + add;
      left -= add;
    }
  }
  const shape = new Uint8Array(n);
  const code = new Int32Array(n);
  let k = 0;
  shapes.forEach((p, i) => {
    const q = quota[i] ?? 0;
    if (q === 0) return;
    const perm = new IndexPermutation(p.size, hash3(key, i, 0x6e61));
    for (let j = 0; j < q; j++, k++) {
      shape[k] = i;
      code[k] = perm.at(j);
    }
  });
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const s = shape[i]!;
    shape[i] = shape[j]!;
    shape[j] = s;
    const c = code[i]!;
    code[i] = code[j]!;
    code[j] = c;
  }
  return { shape, code };
}

/**
 * Words joined by spaces into one flat string. A template literal would give a rope (a V8
 * cons string) that every later read of the name has to chase; names are read by every
 * passage that mentions them.
 */
function spaced(...parts: (string | undefined)[]): string {
  return parts.join(' ');
}

/** Three-part syllable words "<Onset>[<middle>]<ending>": size and the word for a code. */
function syllableWords(onsets: readonly string[], middles: readonly string[], endings: readonly string[]) {
  const o = onsets.length;
  const m = middles.length + 1;
  return {
    size: o * m * endings.length,
    word(code: number): string {
      const mi = Math.floor(code / o) % m;
      return onsets[code % o]! + (mi === 0 ? '' : middles[mi - 1]!) + endings[Math.floor(code / (o * m))]!;
    },
  };
}

const surnameWords = syllableWords(words.surname.onsets, words.surname.middles, words.surname.endings);
const cityWords = syllableWords(words.city.onsets, words.city.middles, words.city.endings);
const countryWords = syllableWords(words.country.onsets, words.country.middles, words.country.suffixes);
const brandWords = {
  size: words.brand.heads.length * words.brand.tails.length,
  word(code: number): string {
    const h = words.brand.heads.length;
    return words.brand.heads[code % h]! + words.brand.tails[Math.floor(code / h)]!;
  },
};

/**
 * A pool of surnames smaller than the people who carry them, so that several people (and the
 * organisations named after them) share a surname: lexical distractors for BM25.
 */
export function surnamePool(people: number, key: number, rng: Rng): string[] {
  const size = Math.min(surnameWords.size, Math.max(8, Math.ceil(people / 3)));
  const picks = pickNameCodes(size, [{ size: surnameWords.size, weight: 1 }], key, rng, 'surname');
  return Array.from(picks.code, (c) => surnameWords.word(c));
}

/** "<First> <Surname>" for one gender. */
export function personNames(
  n: number,
  female: boolean,
  surnames: readonly string[],
  key: number,
  rng: Rng,
): string[] {
  const firsts = female ? words.firstNames.female : words.firstNames.male;
  const f = firsts.length;
  const picks = pickNameCodes(n, [{ size: f * surnames.length, weight: 1 }], key, rng, 'person');
  return Array.from(picks.code, (c) => spaced(firsts[c % f], surnames[Math.floor(c / f)]));
}

/**
 * Mostly one-word city names; the rest put a prefix before a city that exists ("North Lumvale"
 * beside "Lumvale"), so near-identical names compete in retrieval.
 */
export function cityNames(n: number, key: number, rng: Rng): string[] {
  const plainCount = Math.min(cityWords.size, Math.ceil(n * 0.8));
  const plain = Array.from(
    pickNameCodes(plainCount, [{ size: cityWords.size, weight: 1 }], key, rng, 'city').code,
    (c) => cityWords.word(c),
  );
  const prefixes = words.city.prefixes;
  const prefixed = pickNameCodes(
    n - plainCount,
    [{ size: prefixes.length * plainCount, weight: 1 }],
    key + 1,
    rng,
    'prefixed city',
  );
  const all = plain.concat(
    Array.from(prefixed.code, (c) =>
      spaced(prefixes[c % prefixes.length], plain[Math.floor(c / prefixes.length)]),
    ),
  );
  return rng.shuffle(all);
}

export interface CountryName {
  name: string;
  /** Formal name ("Republic of Kalmoria") or abbreviation ("UPK"), as the passage states it. */
  alsoKnownAs: string;
  union: boolean;
  /** Other answers accepted for this country. */
  aliases: string[];
}

/** Most countries are one word with a formal name; a quarter are "United Provinces of X"-style with an abbreviation. */
export function countryNames(n: number, key: number, rng: Rng): CountryName[] {
  const roots = pickNameCodes(n, [{ size: countryWords.size, weight: 1 }], key, rng, 'country');
  const { formalPrefixes, unionPrefixes } = words.country;
  const abbreviations = new Set<string>();
  return Array.from(roots.code, (c) => {
    const root = countryWords.word(c);
    if (rng.next() < 0.25) {
      const name = spaced(rng.pick(unionPrefixes), root);
      const abbr = name
        .split(' ')
        .filter((w) => /^[A-Z]/.test(w))
        .map((w) => w[0])
        .join('');
      // Two countries sharing an abbreviation would make it ambiguous: the second goes without.
      const unique = !abbreviations.has(abbr);
      abbreviations.add(abbr);
      return unique
        ? { name, alsoKnownAs: abbr, union: true, aliases: [abbr, root] }
        : { name, alsoKnownAs: spaced(rng.pick(formalPrefixes), root), union: false, aliases: [root] };
    }
    const formal = spaced(rng.pick(formalPrefixes), root);
    return { name: root, alsoKnownAs: formal, union: false, aliases: [formal] };
  });
}

/** "<Adjective> <Noun>", "<Noun> of <Things>", "<Adjective> <Noun> of <Things>". */
export function filmTitles(n: number, key: number, rng: Rng): string[] {
  const { adjectives: adj, nouns, ofNouns: of } = words.film;
  const shapes = [
    { size: adj.length * nouns.length, weight: 0.4 },
    { size: nouns.length * of.length, weight: 0.2 },
    { size: adj.length * nouns.length * of.length, weight: 0.4 },
  ];
  const picks = pickNameCodes(n, shapes, key, rng, 'film');
  const a = adj.length;
  const nn = nouns.length;
  return Array.from(picks.code, (c, i) => {
    switch (picks.shape[i]) {
      case 0:
        return spaced(adj[c % a], nouns[Math.floor(c / a)]);
      case 1:
        return spaced(nouns[c % nn], 'of', of[Math.floor(c / nn)]);
      default:
        return spaced(adj[c % a], nouns[Math.floor(c / a) % nn], 'of', of[Math.floor(c / (a * nn))]);
    }
  });
}

/**
 * Organisation names "<Brandword|Surname> <Suffix>"; surnames come from the people's pool.
 * Returns each name with the index of its suffix (a company's suffix fixes its industry).
 */
export function organisationNames(
  n: number,
  suffixes: readonly string[],
  surnames: readonly string[],
  key: number,
  rng: Rng,
): { names: string[]; suffix: Uint8Array } {
  const s = suffixes.length;
  const picks = pickNameCodes(
    n,
    [
      { size: brandWords.size * s, weight: 0.5 },
      { size: surnames.length * s, weight: 0.5 },
    ],
    key,
    rng,
    `organisation (${suffixes[0]}, …)`,
  );
  const suffix = new Uint8Array(n);
  const names = Array.from(picks.code, (c, i) => {
    suffix[i] = c % s;
    const head = picks.shape[i] === 0 ? brandWords.word(Math.floor(c / s)) : surnames[Math.floor(c / s)];
    return spaced(head, suffixes[c % s]);
  });
  return { names, suffix };
}
