import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parserTargets } from './support/fuzz-parsers';

// A short run per parser; `npm run fuzz` runs 10,000+ cases each.
describe('parsers under arbitrary input (fast-check)', () => {
  for (const target of parserTargets) {
    it(`${target.name}: only its own typed error, naming the field`, async () => {
      await fc.assert(
        fc.asyncProperty(target.arbitrary, async (input) => {
          await target.check(input);
        }),
        { numRuns: 200 },
      );
    });
  }
});
