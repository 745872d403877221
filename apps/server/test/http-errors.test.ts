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

      // A user error naming a server path says which folder, not where it lives …
      const post = (path: string, input: unknown) =>
        fetch(`${server.url}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      const relative = await post('reports.import', { outDir: 'docs/results/no-such-report' });
      const text = await relative.text();
      expect(relative.status).toBeGreaterThanOrEqual(400);
      expect(text).not.toContain(REPO_ROOT);
      expect(JSON.parse(text).error.message).toMatch(/…\/no-such-report/);
      // … while a path the client sent itself is named as it was sent.
      const sent = wb.store.path('imports/nonexistent-report');
      const given = await post('reports.import', { outDir: sent });
      expect(JSON.parse(await given.text()).error.message).toContain(`${sent} does not exist`);
    } finally {
      await server.close();
    }
  });
});
