import { parseArgs } from 'node:util';
import { ANALYZER_NAMES } from '@steper/core';
import { importCorpus } from '../../corpora/import';
import { UserError } from '../../errors';
import { importQuestionSet } from '../../questions/import';
import { defined, int } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';

export const INDEX_HELP = `steper index --name NAME (--passages FILE | --dataset FILE [--format F]) [--analyzer A]
  Import a corpus and build its BM25 index. --passages: JSONL of {id,title,text}; --dataset: a
  HotpotQA / 2Wiki / MuSiQue / IRCoT file whose paragraphs are merged (as IRCoT did).
  --analyzer english (default: Lucene's EnglishAnalyzer over the passage text, the title stored,
  as IRCoT's Elasticsearch index) or steper (this project's analyser over title + text).`;

export async function indexCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      name: { type: 'string' },
      passages: { type: 'string' },
      dataset: { type: 'string' },
      format: { type: 'string', default: 'auto' },
      analyzer: { type: 'string', default: 'english' },
    },
    strict: true,
  });
  const file = values.passages ?? values.dataset;
  if (!(ANALYZER_NAMES as readonly string[]).includes(values.analyzer)) {
    throw new UserError(
      'BAD_REQUEST',
      `--analyzer must be ${ANALYZER_NAMES.join(' or ')}, got "${values.analyzer}".`,
    );
  }
  if (!file) throw new UserError('BAD_REQUEST', 'Give --passages FILE or --dataset FILE.');
  const wb = openWorkbench(values);
  try {
    const { corpus, job: claimed } = await importCorpus(
      wb.store,
      {
        name: values.name ?? file,
        source: { path: file },
        kind: values.passages ? 'passages' : 'dataset',
        format: values.format as 'auto',
        analyzer: values.analyzer as 'english',
      },
      (c) => wb.store.jobs.create('index', { corpusId: c.id }, { claimedBy: process.pid }),
    );
    process.stderr.write(`Imported ${corpus.passageCount} passages as corpus ${corpus.id}.\n`);
    const job = await foreground(wb, () => wb.runner.runClaimed(claimed!));
    if (job.status !== 'done') return 1;
    process.stdout.write(`${corpus.id}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}

export const QUESTIONS_HELP = `steper questions --name NAME --file FILE [--format F] [--corpus ID] [--sample N --seed S --split train]
  Import a question set; --corpus resolves gold passages against a corpus; --sample draws a seeded subset.`;

export async function questionsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      name: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string', default: 'auto' },
      corpus: { type: 'string' },
      sample: { type: 'string' },
      seed: { type: 'string' },
      split: { type: 'string' },
    },
    strict: true,
  });
  if (!values.file) throw new UserError('BAD_REQUEST', 'Give --file FILE.');
  const wb = openWorkbench(values);
  try {
    const size = int(values.sample, 'sample');
    const set = await importQuestionSet(wb.store, {
      name: values.name ?? values.file,
      source: { path: values.file },
      format: values.format as 'auto',
      ...defined({ corpusId: values.corpus }),
      ...(size !== undefined
        ? { sample: { size, ...defined({ seed: int(values.seed, 'seed'), split: values.split }) } }
        : {}),
    });
    process.stderr.write(`Imported ${set.questionCount} questions as question set ${set.id}.\n`);
    process.stdout.write(`${set.id}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}

export const SEARCH_HELP = 'steper search --corpus ID --query TEXT [--k 4]   BM25 top-k of a corpus';

export async function searchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      corpus: { type: 'string' },
      query: { type: 'string' },
      k: { type: 'string' },
    },
    strict: true,
  });
  if (!values.corpus || !values.query)
    throw new UserError('BAD_REQUEST', 'Give --corpus ID and --query TEXT.');
  const wb = openWorkbench(values);
  try {
    const hits = await wb.retrievers.get(values.corpus).search(values.query, int(values.k, 'k') ?? 4);
    for (const [i, h] of hits.entries()) {
      process.stdout.write(
        `${i + 1}. [${h.score.toFixed(3)}] ${h.title} (${h.id})\n   ${h.text.slice(0, 160)}\n`,
      );
    }
    return 0;
  } finally {
    await wb.close();
  }
}
