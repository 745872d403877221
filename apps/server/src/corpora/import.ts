import {
  ANALYZER_NAMES,
  buildCorpus,
  DatasetParseError,
  type Passage,
  QUESTION_FORMATS,
  readPassages,
  readQuestions,
} from '@steper/core';
import { z } from 'zod';
import { badRequest, errorMessage } from '../errors';
import type { CorpusRow } from '../store/corpora';
import type { Store } from '../store/store';
import { describeSource, type FileSource, FileSourceSchema, openSource } from './source';

export const CorpusImportSchema = z.object({
  name: z.string().min(1).max(200),
  source: FileSourceSchema,
  /**
   * 'passages': a JSONL corpus of {id, title, text}. 'dataset': a question file whose paragraphs
   * are merged into the corpus (as IRCoT built its corpora).
   */
  kind: z.enum(['passages', 'dataset']).default('passages'),
  format: z.enum([...QUESTION_FORMATS, 'auto']).default('auto'),
  /**
   * The BM25 analyser, recorded with the corpus and in its index: "english" (the default: Lucene's
   * EnglishAnalyzer over the passage text, as IRCoT's Elasticsearch index) or "steper".
   */
  analyzer: z.enum(ANALYZER_NAMES).default('english'),
});
export type CorpusImport = z.input<typeof CorpusImportSchema>;

/** Reads the passages, turning a parse failure into a message that names the file, line and field. */
export async function readCorpusPassages(input: z.infer<typeof CorpusImportSchema>): Promise<Passage[]> {
  const where = describeSource(input.source);
  try {
    if (input.kind === 'passages') return await readPassages(openSource(input.source));
    const questions = await readQuestions(openSource(input.source), { format: input.format });
    return buildCorpus(questions).passages;
  } catch (err) {
    if (err instanceof DatasetParseError) throw badRequest(`${where}: ${err.message}`);
    if (err instanceof Error && err.name === 'UserError') throw err;
    throw badRequest(`${where}: ${errorMessage(err)}`);
  }
}

/** Parses first, then stores corpus and passages in one transaction: a bad file writes nothing. */
export async function importCorpus<T = undefined>(
  store: Store,
  raw: CorpusImport,
  /** Writes the corpus's index job in the corpus's own transaction: a kill never leaves a corpus nothing will index. */
  indexJob?: (corpus: CorpusRow) => T,
): Promise<{ corpus: CorpusRow; job: T | undefined }> {
  const input = CorpusImportSchema.parse(raw);
  const passages = await readCorpusPassages(input);
  if (passages.length === 0) throw badRequest(`${describeSource(input.source)} holds no passages.`);
  return store.transaction(() => {
    const corpus = store.corpora.create({
      name: input.name,
      source: sourceRecord(input.source, input),
      passages,
    });
    return { corpus, job: indexJob?.(corpus) };
  });
}

function sourceRecord(
  source: FileSource,
  input: { kind: string; format: string; analyzer: string },
): Record<string, unknown> {
  return {
    ...('path' in source ? { path: source.path } : { upload: source.filename }),
    kind: input.kind,
    format: input.format,
    analyzer: input.analyzer,
  };
}
