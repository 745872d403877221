import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';
import { answerAndCompare, openPlayground } from './playground-run';

// The browser student runs for real: onnxruntime-web on WASM, the shipped demo students.
test.describe.configure({ timeout: 240_000 });

test('the playground answers a synthetic-world question on WASM, token for token as onnxruntime-node', async ({
  page,
}) => {
  await openPlayground(page, 'wasm');
  await expect(page.getByTestId('playground-runtime')).toContainText('WASM');
  // The server isolates the page (COOP/COEP), so threads are there; a student this small runs on one.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('backend-badge').first()).toHaveAttribute('data-threads', '1');
  await expect(page.getByTestId('playground-runtime')).toContainText('threads cost more than they save');
  await answerAndCompare(page, 'wasm');
  await screenshot(page, 'playground-wasm');

  // Second visit: every file comes from the Cache API, still through the one progress bar.
  await page.reload();
  await expect(page.getByTestId('backend-badge').first()).toBeVisible({ timeout: 60_000 });
  const ready = page.getByTestId('playground-ready');
  await expect(ready).toHaveAttribute('data-from-cache', 'all');
});

test('on several WebAssembly threads (?threads=N) the tokens are still those of onnxruntime-node', async ({
  page,
}) => {
  await page.goto('/playground');
  const available = await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency || 1));
  test.skip(available < 2, 'one core: no second thread to run on');
  await openPlayground(page, 'wasm', undefined, undefined, available);
  const badge = page.getByTestId('backend-badge').first();
  await expect(badge).toHaveAttribute('data-threads', String(available));
  await expect(badge).toContainText(`WASM (${available} threads)`);
  await answerAndCompare(page, 'wasm');
});

test('without WebGPU the playground says so and runs on WASM', async ({ page }) => {
  // This project's Chromium runs with --disable-gpu: no WebGPU adapter.
  await page.goto('/playground?backend=webgpu');
  const badges = page.getByTestId('backend-badge');
  await expect(badges.first()).toBeVisible({ timeout: 60_000 });
  for (const badge of await badges.all()) await expect(badge).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('playground-notices')).toContainText('WebGPU was asked for, but');
  await expect(page.getByTestId('playground-notices')).toContainText('Running on WASM');
});

test('a missing model file gives a clear message and a way on, not a blank page', async ({ page }) => {
  await page.route('**/demo/*/onnx/*.onnx', (route) => route.fulfill({ status: 404, body: 'Not found' }));
  await page.goto('/playground?backend=wasm');
  const error = page.getByTestId('playground-load-error');
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect(error).toHaveAttribute('data-kind', 'missing-file');
  await expect(error).toContainText('is missing (HTTP 404)');
  await expect(error).toContainText('scripts/build-demo-student.sh');
  await expect(error.getByRole('button', { name: 'Try again' })).toBeVisible();
  // The rest of the app still works.
  await expect(page.locator('nav')).toContainText('Playground');
});

test('a missing manifest names the command that builds it', async ({ page }) => {
  await page.route('**/demo/manifest.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
  await page.goto('/playground');
  const error = page.getByTestId('playground-load-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toContainText('manifest.json is missing (HTTP 404)');
  await expect(error.getByRole('button', { name: 'Use WASM instead' })).toBeVisible();
});

test('a typed question runs through the loop too, with no gold answer to score', async ({ page }) => {
  await page.goto('/playground?backend=wasm&students=steper&maxTokens=8');
  await expect(page.getByTestId('backend-badge')).toHaveCount(1, { timeout: 60_000 });
  await page.locator('#playground-typed').fill('Who directed the film that Wystan Ororgrave is known for?');
  await page.locator('#playground-run').click();
  const column = page.getByTestId('playground-column');
  await expect(column).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('playground-question')).toHaveText(
    'Who directed the film that Wystan Ororgrave is known for?',
  );
  await expect(column.getByTestId('step-query').first()).toHaveText(
    'Who directed the film that Wystan Ororgrave is known for?',
  );
  await expect(column.getByTestId('playground-answer')).toHaveAttribute('data-correct', 'unknown');
  // Every step stayed within the limit asked for.
  for (const step of await column.getByTestId('playground-step').all()) {
    expect(Number(await step.getAttribute('data-new-tokens'))).toBeLessThanOrEqual(8);
  }
});
