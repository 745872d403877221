/** A string no record may hold, and where. */
export interface BadText {
  path: (string | number)[];
  problem: string;
}

// A lone surrogate (an escaped "\ud800" without its pair) has no UTF-8 form: stored, it corrupts.
const LONE_SURROGATE = /\p{Cs}/u;
// U+FFFD is what a decoder leaves where bytes were not UTF-8: the text is already damaged.
const REPLACEMENT = '\uFFFD';

function problemOf(text: string): string | undefined {
  if (LONE_SURROGATE.test(text))
    return 'holds a lone surrogate (an unpaired \\ud800–\\udfff escape), which is not valid Unicode text';
  if (text.includes(REPLACEMENT))
    return 'holds U+FFFD, the mark of bytes that were not valid UTF-8 when the file was read';
  return undefined;
}

/** The first string in a parsed JSON value (keys included) that is not clean Unicode text. */
export function findBadText(value: unknown, path: (string | number)[] = []): BadText | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { path, problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], [...path, i]);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const problem = problemOf(key);
      if (problem) return { path: [...path, key], problem: `its name ${problem}` };
      const bad = findBadText(item, [...path, key]);
      if (bad) return bad;
    }
  }
  return undefined;
}
