import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/server';
import type { AppRouter } from '../src/routers/_app';
import type { JobRow } from '../src/store/jobs';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

function client(url: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: `${url}/trpc`, EventSource }),
        false: httpBatchLink({ url: `${url}/trpc`, headers }),
      }),
    ],
  });
}

function webDist(): string {
  const dist = tempDir();
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>StepER web</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("app")');
  return dist;
}

describe('HTTP server', () => {
  it('serves the API (queries, typed errors, SSE subscriptions) and the web app on loopback', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    wb.runner.start();
    const server = await startHttpServer(wb, {
      host: '127.0.0.1',
      port: 0,
      webDist: webDist(),
      log: () => {},
    });
    try {
      const api = client(server.url);
      const info = await api.system.info.query();
      expect(info.counts.corpora).toBe(1);
      const hits = await api.corpora.search.query({ id: demo.corpusId, query: 'film', k: 2 });
      expect(hits).toHaveLength(2);

      const bad = await api.teacherRuns.start
        .mutate({ corpusId: demo.corpusId, questionSetId: demo.questionSetIds.dev, topK: -1 })
        .catch((e) => e);
      expect(bad).toBeInstanceOf(TRPCClientError);
      expect(bad.message).toBe('field "topK": Too small: expected number to be >=1');
      expect(bad.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, issues: [{ path: ['topK'] }] });
      const missing = await api.corpora.get.query({ id: 'corpus_nope' }).catch((e) => e);
      expect(missing.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
      expect(missing.message).toContain('corpus_nope');

      // Live progress over SSE until the job is done.
      const { job } = await api.teacherRuns.start.mutate({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.dev,
        concurrency: 1,
      });
      const events: JobRow[] = [];
      await new Promise<void>((resolve, reject) => {
        const sub = api.jobs.watch.subscribe(
          { id: job!.id },
          {
            onData: (e) => {
              events.push(e.data as unknown as JobRow);
              if (e.data.status === 'done') {
                sub.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      expect(events.at(-1)!.progress.done).toBe(events.at(-1)!.progress.total);
      expect(new Set(events.map((e) => e.status))).toContain('done');

      // The web app, with deep links falling back to index.html.
      const index = await fetch(`${server.url}/`);
      expect(await index.text()).toContain('StepER web');
      expect(await (await fetch(`${server.url}/explore/q1`)).text()).toContain('StepER web');
      const asset = await fetch(`${server.url}/assets/app.js`);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      // Cross-origin isolated (multi-threaded WebAssembly in the playground), pages and API alike.
      for (const res of [index, asset, await fetch(`${server.url}/trpc/system.info`)]) {
        expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      }
      // DNS rebinding: a foreign Host header is refused.
      const port = new URL(server.url).port;
      const rebound = await new Promise<number>((resolve) => {
        import('node:http').then(({ request }) => {
          request(
            { host: '127.0.0.1', port, path: '/trpc/system.info', headers: { host: 'evil.example:80' } },
            (res) => resolve(res.statusCode!),
          ).end();
        });
      });
      expect(rebound).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('refuses a non-loopback address without a token, and with one requires it on every request', async () => {
    const wb = testWorkbench();
    await expect(startHttpServer(wb, { host: '0.0.0.0', port: 0, log: () => {} })).rejects.toThrow(
      /set STEPER_TOKEN/,
    );
    const token = 'a-long-enough-test-token';
    const server = await startHttpServer(wb, { host: '0.0.0.0', port: 0, token, log: () => {} });
    const url = server.url.replace('0.0.0.0', '127.0.0.1');
    try {
      const anonymous = await fetch(`${url}/trpc/system.info`);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toMatch(/requires a token/);
      await expect(client(url).system.info.query()).rejects.toThrow();
      await expect(
        client(url, { authorization: 'Bearer wrong-token-of-same-len' }).system.info.query(),
      ).rejects.toThrow();
      const info = await client(url, { authorization: `Bearer ${token}` }).system.info.query();
      expect(info.counts.corpora).toBe(0);
      // The browser opens /?token=… once; the cookie carries it afterwards.
      const first = await fetch(`${url}/?token=${token}`);
      expect(first.status).toBe(200);
      const cookie = first.headers.get('set-cookie')!;
      expect(cookie).toMatch(/steper_token=.*HttpOnly; SameSite=Strict/);
      const withCookie = await fetch(`${url}/trpc/system.info`, {
        headers: { cookie: cookie.split(';')[0]! },
      });
      expect(withCookie.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
