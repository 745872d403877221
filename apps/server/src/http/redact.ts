/**
 * Absolute paths in text bound for a client, each cut to its last part ("/home/me/ws/x.jsonl" →
 * "…/x.jsonl"): the client learns which file, not how the server's disk is laid out. A URL's
 * path is left alone (it follows a host, never a blank or a quote).
 */
const ABSOLUTE_PATH = /(?<![\w.:/-])(?:file:\/\/)?(?:\/[^\s/'"`:,;()<>[\]]+)+\/?/g;

export function redactPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (path) => {
    const parts = path
      .replace(/^file:\/\//, '')
      .replace(/\/$/, '')
      .split('/');
    return parts.length > 2 ? `…/${parts.at(-1)}` : path;
  });
}
