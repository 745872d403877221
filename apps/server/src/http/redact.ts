/**
 * Absolute paths in text bound for a client, each cut to its last part ("/home/me/ws/x.jsonl" →
 * "…/x.jsonl"): the client learns which file, not how the server's disk is laid out. A path the
 * client itself sent stays as it was ("/nonexistent/report does not exist"). A URL's path is left
 * alone (it follows a host, never a blank or a quote).
 */
const ABSOLUTE_PATH = /(?<![\w.:/-])(?:file:\/\/)?(?:\/[^\s/'"`:,;()<>[\]]+)+\/?/g;

export function redactPaths(text: string, given: ReadonlySet<string> = new Set()): string {
  return text.replace(ABSOLUTE_PATH, (path) => {
    if (given.has(path) || given.has(path.replace(/[./]$/, ''))) return path;
    const parts = path
      .replace(/^file:\/\//, '')
      .replace(/\/$/, '')
      .split('/');
    return parts.length > 2 ? `…/${parts.at(-1)}` : path;
  });
}

/** The short strings of a call's input (paths are short; an uploaded file's text is not one). */
export function givenStrings(input: unknown, into = new Set<string>()): Set<string> {
  if (typeof input === 'string') {
    if (input.length <= 4096) into.add(input.trim().replace(/\/$/, ''));
  } else if (Array.isArray(input)) {
    for (const item of input) givenStrings(item, into);
  } else if (typeof input === 'object' && input !== null) {
    for (const item of Object.values(input)) givenStrings(item, into);
  }
  return into;
}
