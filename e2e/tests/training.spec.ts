import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

const root = resolve(import.meta.dirname, '..', '..');

/** A tiny Qwen-architecture student (random weights, BPE trained on the step data): no download. */
function buildTinyStudent(examplesFile: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'steper-tiny-')), 'student');
  // The trainer's own interpreter, as the server runs it: no dependence on uv being on PATH.
  execFileSync(
    join(root, 'apps/trainer/.venv/bin/python'),
    ['-m', 'steper_trainer.tiny_model', '--corpus', examplesFile, '--out', out, '--vocab-size', '500'],
    { cwd: root, stdio: 'pipe', timeout: 240_000 },
  );
  return out;
}

test('start a tiny StepER training run and watch the σ plot grow live', async ({ page, request }) => {
  // Generous: a 2-core CI machine builds the model and trains on CPU beside the browser and server.
  test.setTimeout(480_000);
  const list = await (await request.get('/trpc/stepData.list')).json();
  // The demo's dataset: the one with the most kept questions.
  const datasets = list.result.data as {
    id: string;
    exportDir: string;
    manifest: { counts: { kept: number } };
  }[];
  const dataset = datasets.reduce((a, b) => (b.manifest.counts.kept > a.manifest.counts.kept ? b : a));
  const model = buildTinyStudent(
    join(process.env.STEPER_E2E_WORKSPACE!, dataset.exportDir, 'examples.jsonl'),
  );

  await page.goto(`/training?dataset=${dataset.id}`);
  await page.locator('#train-name').fill('tiny StepER');
  await page.locator('#train-model').fill(model);
  await page.locator('#train-objective').selectOption('steper-difficulty');
  await page.locator('#train-lr').fill('0.001');
  await page.locator('#train-sigma-lr').fill('0.05');
  await page.locator('#train-epochs').fill('1');
  await page.locator('#train-batch-size').fill('4');
  await page.locator('#train-eval-fraction').fill('0.1');
  await page.locator('#train-eval-every').fill('4');
  await page.locator('#train-checkpoint-every').fill('4');
  await page.locator('#train-max-steps').fill('10');
  await page.locator('#train-max-seq-len').fill('512');
  await page.locator('#train-grad-ckpt').selectOption('false');
  await page.locator('#train-device').selectOption('cpu');
  // The JSON tab shows the same config.
  await page.locator('#train-tab-json').click();
  await expect(page.locator('#train-json .monaco-editor')).toContainText('"eval_every": 4');
  await page.locator('#train-start').click();
  await expect(page).toHaveURL(/\/training\/train_/);

  const dots = page.locator('#chart-sigma .recharts-line-dots circle');
  await expect.poll(() => dots.count(), { timeout: 150_000 }).toBeGreaterThanOrEqual(3 * 3);
  const early = await dots.count();
  await expect.poll(() => dots.count(), { timeout: 60_000 }).toBeGreaterThan(early);
  // The held-out evaluation loss arrives at step 4 on the same stream.
  await expect(page.locator('#chart-eval .recharts-line')).toHaveCount(1, { timeout: 120_000 });
  await screenshot(page, 'training-sigma');
  await page.locator('#sigma-raw').click();
  await expect(page.locator('#chart-sigma')).toContainText('σ per stage (raw)');
  await expect(page.locator('#chart-sigma .recharts-line')).toHaveCount(3);
  // Cancel from the dashboard: the trainer process is stopped and the run says so.
  await page.locator('#train-cancel').click();
  await expect(page.locator('[data-testid="run-dashboard"] [data-testid="status"]').first()).toHaveText(
    'cancelled',
    {
      timeout: 30_000,
    },
  );
});
