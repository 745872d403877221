import type { z } from 'zod';
import type { Converted, ConvertOptions, QuestionFormat, QuestionFormatSpec } from './common';
import { hotpotqa } from './hotpotqa';
import { ircot } from './ircot';
import { musique } from './musique';
import { twoWiki } from './twowiki';

/** A format with its record type hidden: validate and convert one raw record. */
export interface FormatReader {
  format: QuestionFormat;
  label: string;
  idField: string;
  looksLike(record: Record<string, unknown>): boolean;
  read(
    value: unknown,
    options: ConvertOptions,
  ): { ok: true; result: Converted } | { ok: false; error: z.ZodError };
}

function reader<T>(spec: QuestionFormatSpec<T>): FormatReader {
  return {
    format: spec.format,
    label: spec.label,
    idField: spec.idField,
    looksLike: spec.looksLike,
    read(value, options) {
      // reportInput keeps the offending value on each issue, so messages can say what was found.
      const parsed = spec.schema.safeParse(value, { reportInput: true });
      return parsed.success
        ? { ok: true, result: spec.convert(parsed.data, options) }
        : { ok: false, error: parsed.error };
    },
  };
}

/** Every question format, in the order auto-detection tries them. */
export const FORMAT_READERS: Record<QuestionFormat, FormatReader> = {
  ircot: reader(ircot),
  musique: reader(musique),
  '2wikimultihopqa': reader(twoWiki),
  hotpotqa: reader(hotpotqa),
};

export {
  type Converted,
  type ConvertOptions,
  QUESTION_FORMATS,
  type QuestionFormat,
  type QuestionFormatSpec,
} from './common';
export { HotpotRecordSchema } from './hotpotqa';
export { IrcotRecordSchema } from './ircot';
export { MusiqueRecordSchema, substituteHopReferences } from './musique';
export { renderTriple, TwoWikiRecordSchema } from './twowiki';
