import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/server';
import { tempDir, testWorkbench } from './support/workspace';

describe('Content-Security-Policy', () => {
  it('is on every HTML page (index, deep links, the not-built page), not on scripts, workers or the API', async () => {
    const dist = tempDir();
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>StepER web</title>');
    writeFileSync(join(dist, 'assets', 'worker.js'), 'self.onmessage = () => {}');
    const wb = testWorkbench();
    const built = await startHttpServer(wb, { host: '127.0.0.1', port: 0, webDist: dist, log: () => {} });
    const bare = await startHttpServer(wb, {
      host: '127.0.0.1',
      port: 0,
      webDist: tempDir(),
      log: () => {},
    });
    try {
      const pages = [
        await fetch(`${built.url}/`),
        await fetch(`${built.url}/explore/run_demo`),
        await fetch(`${built.url}/index.html`),
        await fetch(`${bare.url}/`),
      ];
      for (const page of pages) {
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const csp = page.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        // onnxruntime-web compiles WebAssembly; Monaco and Emscripten may start blob: workers.
        expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
        expect(csp).toContain("worker-src 'self' blob:");
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-(eval|inline)'/);
        expect(csp).toContain("frame-ancestors 'none'");
      }
      // A worker started from a file answers to its own headers: none, so WebAssembly threads run.
      const worker = await fetch(`${built.url}/assets/worker.js`);
      expect(worker.headers.get('content-type')).toMatch(/javascript/);
      expect(worker.headers.get('content-security-policy')).toBeNull();
      expect(
        (await fetch(`${built.url}/trpc/system.info`)).headers.get('content-security-policy'),
      ).toBeNull();
    } finally {
      await built.close();
      await bare.close();
    }
  });
});
