import { z } from 'zod';

/** Text that says something: empty or only white space is refused with `what` it should hold. */
export const nonBlank = (what: string) =>
  z.string().refine((s) => s.trim() !== '', { message: `blank: ${what}` });

/** JSON numbers past 2^53 were already rounded when read (12345678901234567891 → …7000). */
const exact = (n: number): boolean => !Number.isInteger(n) || Number.isSafeInteger(n);
const INEXACT =
  'a number too large to read exactly (JSON rounds integers past 2^53): write it as a string in quotes';

/** A raw id as messages may quote it: text, or a number JSON kept exactly (never a rounded one). */
export function quotableId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && exact(value) ? String(value) : undefined;
}

/** A string, or a number that JSON kept exactly, as text. */
export const TextOrNumber = z
  .union([z.string(), z.number()])
  .refine((v) => typeof v === 'string' || exact(v), { message: INEXACT })
  .transform(String);

/** A record's id: text, or an exact number read as text; never blank. */
export const recordId = (what: string) => TextOrNumber.pipe(nonBlank(what));

/** Issues for supporting facts whose title names no paragraph of the record's context. */
export function checkFactsInContext(
  facts: readonly (readonly [string, ...unknown[]])[],
  context: readonly (readonly [string, ...unknown[]])[],
  ctx: z.RefinementCtx,
): void {
  const titles = new Set(context.map(([title]) => title.trim()));
  facts.forEach(([title], i) => {
    if (titles.has(title.trim())) return;
    ctx.addIssue({
      code: 'custom',
      path: ['supporting_facts', i, 0],
      message: `names a title that is not in this record's context (${titles.size} paragraph(s)): every supporting fact must point at a context paragraph`,
    });
  });
}
