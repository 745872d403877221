/**
 * The benchmark's real English corpus, made from freely licensed text in Debian packages
 * (fetched by `apt-get download`, unpacked by `dpkg-deb -x`, never installed):
 *   - dict-gcide: GCIDE, the GNU Collaborative International Dictionary of English (Webster 1913
 *     plus WordNet glosses and later additions), GPL-2+. One passage per entry, or per ~100 words
 *     of a long entry; the headword is the title.
 *   - linux-doc-6.1: the Linux kernel's documentation (reStructuredText sources), GPL-2.
 *   - python3.11-doc: the Python 3.11 documentation (reStructuredText sources), PSF License.
 *   - llvm-15-doc: LLVM's documentation (reStructuredText sources), Apache-2.0 with LLVM exception.
 *   - perl-doc: Perl's manual (POD), GPL-1+ or Artistic.
 *     Documents are cut at paragraphs into passages of about 100 words; the document's first
 *     heading (POD: its NAME line) is the title. Code blocks, tables and directives are dropped.
 * Wikipedia would be closer to IRCoT's corpora, but no package registry this project can use
 * ships enough of it (PyPI's offline-Wikipedia packages hold summaries of a few thousand articles).
 *
 *   npx tsx bench/bm25/real-corpus.ts [DIR]   writes DIR/passages.jsonl (default .cache/real-text)
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { gunzipSync } from 'node:zlib';
import type { Passage } from '../../packages/core/src/types/data';

export const REAL_TEXT_SOURCE =
  'Debian packages dict-gcide (GCIDE dictionary, GPL-2+), linux-doc-6.1 (GPL-2), python3.11-doc ' +
  '(PSF License), llvm-15-doc (Apache-2.0 with LLVM exception), perl-doc (GPL-1+ or Artistic)';
const PACKAGES = ['dict-gcide', 'linux-doc-6.1', 'python3.11-doc', 'llvm-15-doc', 'perl-doc'];
/** A passage is cut once it holds this many words (at a paragraph end, or mid-paragraph past 2×). */
const TARGET_WORDS = 100;

/**
 * The first `limit` passages (all by default), made once and cached in DIR/passages.jsonl. Read a
 * piece at a time and only as far as needed: a bench of 100k passages holds no more than its own.
 */
export function realCorpus(dir = '.cache/real-text', limit = Number.POSITIVE_INFINITY): Passage[] {
  const file = join(dir, 'passages.jsonl');
  if (!existsSync(file)) makeCorpus(dir, file);
  const out: Passage[] = [];
  const fd = openSync(file, 'r');
  try {
    const piece = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (let n = readSync(fd, piece); n > 0 && out.length < limit; n = readSync(fd, piece)) {
      const lines = (rest + decoder.write(piece.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      for (const line of lines)
        if (line.length > 0 && out.length < limit) out.push(JSON.parse(line) as Passage);
    }
    if (rest.length > 0 && out.length < limit) out.push(JSON.parse(rest) as Passage);
  } finally {
    closeSync(fd);
  }
  return out;
}

function makeCorpus(dir: string, file: string): void {
  const root = join(dir, 'root');
  const debs = join(dir, 'debs');
  mkdirSync(debs, { recursive: true });
  for (const pkg of PACKAGES) {
    if (readdirSync(debs).some((f) => f.startsWith(`${pkg}_`))) continue;
    log(`apt-get download ${pkg}`);
    try {
      execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      throw new Error(
        `could not download the Debian package ${pkg}: the real-text corpus needs apt-get on a Debian ` +
          "machine with package lists ('apt-get update' first)",
      );
    }
  }
  rmSync(root, { recursive: true, force: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(debs, deb), root]);
  }

  const passages: Passage[] = [];
  gcide(join(root, 'usr/share/dictd'), passages);
  const nDict = passages.length;
  for (const [name, base] of [
    ['linux', 'usr/share/doc/linux-doc-6.1/html/_sources'],
    ['python', 'usr/share/doc/python3.11/html/_sources'],
    ['llvm', 'usr/share/doc/llvm-15-doc/html/_sources'],
  ] as const) {
    for (const path of walk(join(root, base))) {
      const rel = relative(join(root, base), path);
      if (!rel.endsWith('.rst.txt') || rel.startsWith('translations/')) continue;
      rstPassages(`${name}:${rel.slice(0, -'.rst.txt'.length)}`, readFileSync(path, 'utf8'), passages);
    }
  }
  const pods = join(root, 'usr/share/perl');
  for (const path of walk(pods)) {
    if (path.endsWith('.pod'))
      podPassages(`perl:${relative(pods, path)}`, readFileSync(path, 'utf8'), passages);
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${passages.map((p) => JSON.stringify(p)).join('\n')}\n`);
  renameSync(tmp, file);
  rmSync(root, { recursive: true, force: true });
  const words = passages.reduce((n, p) => n + p.text.split(/\s+/).length, 0);
  log(
    `${passages.length.toLocaleString('en')} passages (${nDict.toLocaleString('en')} from GCIDE), ` +
      `${words.toLocaleString('en')} words → ${file}`,
  );
}

/** GCIDE in dictd form: an index of (headword, base64 offset, base64 length) into the text. */
function gcide(dir: string, out: Passage[]): void {
  const text = gunzipSync(readFileSync(join(dir, 'gcide.dict.dz')));
  const seen = new Set<number>();
  for (const line of readFileSync(join(dir, 'gcide.index'), 'utf8').split('\n')) {
    const [word, off, len] = line.split('\t');
    if (word === undefined || off === undefined || len === undefined || word.startsWith('00-database'))
      continue;
    const at = base64(off);
    if (seen.has(at)) continue; // several headwords point at one entry
    seen.add(at);
    const entry = text.subarray(at, at + base64(len)).toString('utf8');
    const paragraphs = entry
      .split(/\n\s*\n/)
      .map((p, i) => cleanGcide(i === 0 ? p.replace(/^[^\n]*?\\[^\\\n]*\\/, '') : p))
      .filter((p) => /[a-z]/i.test(p));
    emit(`gcide:${at}`, word, paragraphs, out);
  }
}

function cleanGcide(p: string): string {
  return p
    .replace(
      /\[(?:\d{4} Webster|Webster \d{4}[^\]]*|WordNet[^\]]*|PJC|RHW|Century Dict\.|MW\d*|[A-Z]{2,4})\]/g,
      ' ',
    )
    .replace(/\\[^\\\n]*\\/g, ' ') // pronunciations \Ab*an"don\
    .replace(/\[[^\]\s]{1,4}\]/g, '') // character codes such as [=e], [u^]
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** reStructuredText → prose paragraphs: headings, directives, code, tables and markup dropped. */
function rstPassages(id: string, src: string, out: Passage[]): void {
  const blocks = src.replace(/\r/g, '').split(/\n\s*\n/);
  let title = '';
  const paragraphs: string[] = [];
  let literal = false; // the previous paragraph ended with "::": this indented one is code
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim().length > 0);
    if (lines.length === 0) continue;
    const indented = lines.every((l) => /^\s/.test(l));
    if (literal && indented) continue;
    literal = false;
    const kept = lines.filter((l) => !/^\s*([=\-~^"'`#*+_.:])\1{2,}\s*$/.test(l));
    if (kept.length < lines.length && kept.length > 0 && kept.length <= 2) {
      if (title === '') title = cleanRst(kept.join(' '));
      continue; // a heading
    }
    const first = lines[0]!.trim();
    if (first.startsWith('..') || /^[+|=-]/.test(first) || first.startsWith(':')) continue;
    const text = cleanRst(kept.join(' '));
    if (block.trimEnd().endsWith('::')) literal = true;
    if (/[a-z]{3}/i.test(text) && text.split(' ').length >= 5) paragraphs.push(text);
  }
  emit(id, title || id, paragraphs, out);
}

/** POD → prose paragraphs: commands and verbatim (indented) blocks dropped, NAME as the title. */
function podPassages(id: string, src: string, out: Passage[]): void {
  let title = '';
  let inName = false;
  let skipping = false; // inside =begin … =end, or after =cut
  const paragraphs: string[] = [];
  for (const block of src.replace(/\r/g, '').split(/\n\s*\n/)) {
    const b = block.trim();
    if (b.startsWith('=')) {
      if (/^=(begin|cut)/.test(b)) skipping = true;
      else if (/^=(end|pod|head)/.test(b)) skipping = false;
      inName = /^=head1\s+NAME/.test(b);
      continue;
    }
    if (skipping || b.length === 0 || /^\s/.test(block.replace(/^\n+/, ''))) continue;
    let text = b;
    for (let prev = ''; prev !== text; ) {
      prev = text;
      text = text.replace(/[A-Z]<(?:<+\s)?([^<>]*?)(?:\s>+)?>/g, '$1');
    }
    text = text.replace(/\s+/g, ' ');
    if (inName && title === '') title = text;
    else if (/[a-z]{3}/i.test(text) && text.split(' ').length >= 5) paragraphs.push(text);
  }
  emit(id, title || id, paragraphs, out);
}

function cleanRst(s: string): string {
  return s
    .replace(/:[\w:-]+:`([^`<]*?)\s*(?:<[^>]*>)?`/g, '$1') // :role:`text <target>`
    .replace(/`([^`<]*?)\s*<[^>]*>`_{1,2}/g, '$1') // `text <url>`_
    .replace(/``([^`]*)``/g, '$1')
    .replace(/`([^`]*)`_{0,2}/g, '$1')
    .replace(/\*\*?([^*]+)\*\*?/g, '$1')
    .replace(/::$/, ':')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Groups paragraphs into passages of about TARGET_WORDS words; a very long paragraph is cut. */
function emit(id: string, title: string, paragraphs: string[], out: Passage[]): void {
  let words: string[] = [];
  let n = 0;
  const flush = () => {
    if (words.length > 0) out.push({ id: `${id}#${n++}`, title, text: words.join(' ') });
    words = [];
  };
  for (const p of paragraphs) {
    const w = p.split(' ');
    if (words.length > 0 && words.length + w.length > TARGET_WORDS) flush();
    for (let i = 0; i < w.length; i += 2 * TARGET_WORDS) {
      words.push(...w.slice(i, i + 2 * TARGET_WORDS));
      if (i + 2 * TARGET_WORDS < w.length) flush();
    }
    if (words.length >= TARGET_WORDS) flush();
  }
  flush();
}

function base64(s: string): number {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let n = 0;
  for (const c of s) n = n * 64 + digits.indexOf(c);
  return n;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else yield path;
  }
}

function log(msg: string): void {
  console.error(`[bench:real-text] ${msg}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const corpus = realCorpus(process.argv[2]);
  console.error(`[bench:real-text] ${corpus.length.toLocaleString('en')} passages`);
}
