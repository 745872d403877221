import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/server';
import { REPO_ROOT } from '../src/paths';
import { testWorkbench } from './support/workspace';

describe('errors sent to clients', () => {
  it('carry no stack and no absolute path; the server log keeps the stack', async () => {
    const wb = testWorkbench();
    const logged: string[] = [];
    const server = await startHttpServer(wb, {
      host: '127.0.0.1',
      port: 0,
      log: (line) => logged.push(line),
    });
    try {
      // An unexpected failure inside a procedure: its table is gone.
      wb.store.db.exec('DROP TABLE jobs');
      const internal = await fetch(`${server.url}/trpc/jobs.list`);
      expect(internal.status).toBe(500);
      const body = await internal.text();
      expect(JSON.parse(body).error.data.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body).not.toMatch(/stack/i);
      expect(body).not.toContain(REPO_ROOT);
      expect(logged.join('\n')).toMatch(/\[trpc\] jobs\.list: .*no such table: jobs[\s\S]*at /);

      // A user error naming a server path says which file, not where it lives.
      const missing = join(wb.store.path('imports'), 'nope.jsonl');
      const refused = await fetch(`${server.url}/trpc/corpora.import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', source: { path: missing } }),
      });
      const text = await refused.text();
      expect(refused.status).toBe(400);
      expect(text).not.toMatch(/stack/i);
      expect(text).not.toContain(missing);
      expect(JSON.parse(text).error.message).toMatch(/nope\.jsonl/);
    } finally {
      await server.close();
    }
  });
});
