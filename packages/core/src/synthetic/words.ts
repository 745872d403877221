import WORDS from './data/words.json';

/** Word and syllable lists the fictional names are built from (data/words.json). */
export const words = WORDS;

/**
 * Names are unique by construction: every kind of name has its own token shape, and the lists
 * that could make two shapes meet must not share a word. Checked once, so an edit to the data
 * that breaks uniqueness fails loudly instead of producing a world with clashing titles.
 */
function checkWordData(): void {
  const lists: Record<string, readonly string[]> = {
    'firstNames.male': WORDS.firstNames.male,
    'firstNames.female': WORDS.firstNames.female,
    'city.prefixes': WORDS.city.prefixes,
    'film.adjectives': WORDS.film.adjectives,
    'film.nouns': WORDS.film.nouns,
    'film.ofNouns': WORDS.film.ofNouns,
    'surname.onsets': WORDS.surname.onsets,
    'surname.endings': WORDS.surname.endings,
    'city.onsets': WORDS.city.onsets,
    'city.endings': WORDS.city.endings,
    'country.suffixes': WORDS.country.suffixes,
    'brand.heads': WORDS.brand.heads,
    'brand.tails': WORDS.brand.tails,
  };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length === 0) throw new Error(`synthetic words.json: ${name} is empty`);
    const seen = new Set<string>();
    for (const w of list) {
      if (seen.has(w)) throw new Error(`synthetic words.json: ${name} lists "${w}" twice`);
      seen.add(w);
    }
  }
  // Word-level shapes that could coincide: "<First> <Surname>", "<Prefix> <City>", "<Adjective> <Noun>".
  const disjoint: [string, string][] = [
    ['firstNames.male', 'firstNames.female'],
    ['firstNames.male', 'city.prefixes'],
    ['firstNames.female', 'city.prefixes'],
    ['film.adjectives', 'firstNames.male'],
    ['film.adjectives', 'firstNames.female'],
    ['film.adjectives', 'city.prefixes'],
  ];
  for (const [a, b] of disjoint) {
    const inA = new Set(lists[a]);
    const shared = lists[b]?.find((w) => inA.has(w));
    if (shared !== undefined) {
      throw new Error(`synthetic words.json: "${shared}" is in both ${a} and ${b}; names could clash`);
    }
  }
  // The ending decides the kind of a one-word name (surname, city, country): no ending of one
  // kind may end with an ending of another.
  const endings: [string, string][] = [
    ['surname.endings', 'city.endings'],
    ['surname.endings', 'country.suffixes'],
    ['city.endings', 'country.suffixes'],
  ];
  for (const [a, b] of endings) {
    for (const x of lists[a] ?? []) {
      for (const y of lists[b] ?? []) {
        if (x.endsWith(y) || y.endsWith(x)) {
          throw new Error(
            `synthetic words.json: endings "${x}" (${a}) and "${y}" (${b}) overlap; names could clash`,
          );
        }
      }
    }
  }
}

checkWordData();
