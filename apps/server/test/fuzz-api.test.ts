import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { callerFor, failure } from './support/caller';
import { type ApiFuzz, apiTargets } from './support/fuzz-api';
import { smallDemo, testWorkbench } from './support/workspace';

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
      // Minutes, not the default minute: a niced run on a busy 2-core machine is slow.
    }, 600_000);
  }
});

describe('what the fuzzer found', () => {
  it('teacherRuns.start refuses demonstrations of the other loop format, naming the field (was a 500)', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const err = await failure(
      callerFor(wb).teacherRuns.start({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.dev,
        loop: 'ircot',
        demonstrations: { format: 'self-ask', name: 'x', demonstrations: [] },
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(
      /field "demonstrations\.format": the ircot loop needs "ircot" demonstrations/,
    );
  });
});
