import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/server';
import { smallDemo, testWorkbench } from './support/workspace';

/** A GET of `calls` batched calls of one query, as httpBatchLink would send it. */
function batchUrl(base: string, path: string, input: unknown, calls: number): string {
  const inputs = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, input]));
  const paths = Array.from({ length: calls }, () => path).join(',');
  return `${base}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

interface ErrorBody {
  error: { message: string; data: { code: string; httpStatus: number } };
}

describe('what one request may ask of the server', () => {
  it('refuses batches over 20 calls, pages over 100 items and results over the size cap', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const server = await startHttpServer(wb, {
      host: '127.0.0.1',
      port: 0,
      maxResponseBytes: 20_000,
      log: () => {},
    });
    try {
      const input = { id: demo.corpusId, limit: 1 };
      // 150 batched list calls in one short URL (of teacherRuns.traces) once took the process past 4 GB.
      const tooMany = await fetch(batchUrl(server.url, 'corpora.passages', input, 150));
      expect(tooMany.status).toBe(413);
      const refused = ((await tooMany.json()) as ErrorBody).error;
      expect(refused.message).toMatch(/at most 20 calls; this one has 150/);
      expect(refused.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
      expect((await fetch(batchUrl(server.url, 'corpora.passages', input, 21))).status).toBe(413);
      const twenty = await fetch(batchUrl(server.url, 'corpora.passages', input, 20));
      expect(twenty.status).toBe(200);
      expect((await twenty.json()) as unknown[]).toHaveLength(20);

      const bigPage = await fetch(
        batchUrl(server.url, 'corpora.passages', { id: demo.corpusId, limit: 101 }, 1),
      );
      expect(bigPage.status).toBe(400);
      expect(((await bigPage.json()) as ErrorBody[])[0]!.error.message).toMatch(/field "limit"/);

      // 100 passages are over this server's 20 KB cap: refused with what to change, not sent.
      const large = await fetch(
        batchUrl(server.url, 'corpora.passages', { id: demo.corpusId, limit: 100 }, 1),
      );
      expect(large.status).toBe(413);
      const [body] = (await large.json()) as ErrorBody[];
      expect(body!.error.data.code).toBe('PAYLOAD_TOO_LARGE');
      expect(body!.error.message).toMatch(
        /corpora\.passages would be \d+ KB, over the 20 KB.*smaller "limit"/,
      );
      const small = await fetch(batchUrl(server.url, 'corpora.passages', { id: demo.corpusId, limit: 5 }, 1));
      expect(small.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
