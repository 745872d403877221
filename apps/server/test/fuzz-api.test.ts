import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { type ApiFuzz, apiTargets } from './support/fuzz-api';

// Every procedure that takes input, driven through the real appRouter with arbitrary JSON and
// near-valid input; `npm run fuzz` runs 10,000+ cases each.
const api: ApiFuzz = await apiTargets();
afterAll(() => api.close());

describe('tRPC inputs under arbitrary JSON (fast-check)', () => {
  for (const target of api.targets) {
    it(`${target.name}: typed errors only (no 500), naming the field, nothing written when refused`, async () => {
      await target.setUp?.();
      await fc.assert(
        fc.asyncProperty(target.arbitrary, async (input) => {
          await target.check(input);
        }),
        { numRuns: 200 },
      );
    });
  }
});
