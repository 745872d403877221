import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerFor, failure } from './support/caller';
import { startOpenAiDouble } from './support/openaiDouble';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

describe("a named endpoint's key", () => {
  it('goes to that endpoint’s own URL only: endpoint plus a baseURL override is refused, naming baseURL', async () => {
    const own = await startOpenAiDouble();
    const elsewhere = await startOpenAiDouble();
    try {
      const dir = tempDir();
      writeFileSync(
        join(dir, 'endpoints.json'),
        JSON.stringify({
          endpoints: { paid: { baseURL: own.baseURL, model: 'double', apiKey: 'sk-paid-secret' } },
        }),
      );
      const wb = testWorkbench({ workspace: dir });
      const demo = await smallDemo(wb);
      const api = callerFor(wb);
      const redirected = { kind: 'openai' as const, endpoint: 'paid', baseURL: elsewhere.baseURL };

      const check = await failure(api.teachers.check(redirected));
      expect(check.code).toBe('BAD_REQUEST');
      expect(check.message).toMatch(/field "baseURL": give either endpoint or baseURL, not both/);
      const start = await failure(
        api.teacherRuns.start({
          corpusId: demo.corpusId,
          questionSetId: demo.questionSetIds.dev,
          teacher: redirected,
        }),
      );
      expect(start.message).toMatch(/field "teacher.baseURL"/);
      expect(elsewhere.authorizations).toEqual([]);

      // The endpoint alone reaches its own URL with its key; a bare baseURL never gets that key.
      expect((await api.teachers.check({ kind: 'openai', endpoint: 'paid' })).ok).toBe(true);
      expect(own.authorizations).toEqual(['Bearer sk-paid-secret']);
      await api.teachers.check({ kind: 'openai', baseURL: elsewhere.baseURL, model: 'double' });
      expect(elsewhere.authorizations.join()).not.toContain('sk-paid-secret');
    } finally {
      await own.close();
      await elsewhere.close();
    }
  });

  it('the environment’s key: a server sends it only to OPENAI_BASE_URL, never to a baseURL a client names', async () => {
    const own = await startOpenAiDouble();
    const elsewhere = await startOpenAiDouble();
    try {
      const env = { OPENAI_API_KEY: 'sk-env-secret', OPENAI_BASE_URL: own.baseURL };
      const served = callerFor(testWorkbench({ env, servesClients: true }));
      await served.teachers.check({ kind: 'openai', baseURL: elsewhere.baseURL, model: 'double' });
      expect(elsewhere.authorizations).toEqual(['Bearer none']);
      await served.teachers.check({ kind: 'openai', model: 'double' });
      expect(own.authorizations).toEqual(['Bearer sk-env-secret']);
      // The CLI's own user may still send their key to the URL they give.
      const cli = callerFor(testWorkbench({ env }));
      await cli.teachers.check({ kind: 'openai', baseURL: elsewhere.baseURL, model: 'double' });
      expect(elsewhere.authorizations.at(-1)).toBe('Bearer sk-env-secret');
    } finally {
      await own.close();
      await elsewhere.close();
    }
  });
});
