import { z } from 'zod';
import type { Passage } from '../types/data';
import { DatasetParseError, issueToError } from './errors';
import { nonBlank, quotableId, recordId } from './formats/fields';
import { readRecords } from './records';
import type { TextSource } from './source';

const WHAT = 'Corpus';

/** One passage of a plain JSONL corpus; numeric ids are read as text (exact ones only). */
export const CorpusRecordSchema = z.object({
  id: recordId('every passage needs an id'),
  title: z.string(),
  text: nonBlank('every passage needs its text'),
});

/**
 * Passages of a corpus file, `{"id", "title", "text"}` per line (a JSON array also works), one at a
 * time as the text streams in. Ids must be unique.
 */
export async function* parsePassages(source: TextSource): AsyncGenerator<Passage> {
  const seen = new Map<string, number>();
  for await (const record of readRecords(source, WHAT)) {
    const parsed = CorpusRecordSchema.safeParse(record.value, { reportInput: true });
    const id = quotableId((record.value as { id?: unknown } | null)?.id);
    if (!parsed.success) {
      throw issueToError(
        WHAT,
        parsed.error,
        record,
        id,
        'Each line must be {"id": ..., "title": ..., "text": ...}.',
      );
    }
    const passage = parsed.data;
    const firstLine = seen.get(passage.id);
    if (firstLine !== undefined) {
      throw new DatasetParseError({
        what: WHAT,
        line: record.line,
        index: record.index,
        recordId: passage.id,
        field: 'id',
        problem: `the id was already used by the passage at line ${firstLine}`,
        fix: 'Passage ids must be unique: remove or rename the duplicate.',
      });
    }
    seen.set(passage.id, record.line);
    yield { id: passage.id, title: passage.title.trim(), text: passage.text.trim() };
  }
}

/** All passages of a corpus file (see parsePassages). */
export async function readPassages(source: TextSource): Promise<Passage[]> {
  const passages: Passage[] = [];
  for await (const passage of parsePassages(source)) passages.push(passage);
  return passages;
}
