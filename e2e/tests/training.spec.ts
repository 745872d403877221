import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * A finished run whose events are given, recorded by `steper train` in the test's workspace with
 * a stand-in trainer that prints them: the dashboard draws them as it draws a real run's.
 */
function recordedRun(name: string, events: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'steper-fake-run-'));
  try {
    const config = join(dir, 'train.json');
    // The stand-in reads no data and loads no model: the fields are there because a run needs them.
    writeFileSync(
      config,
      JSON.stringify({ name, config: { model: 'stand-in', data: join(dir, 'none.jsonl') } }),
    );
    const stdout = execFileSync(
      'npx',
      [
        'tsx',
        'apps/server/src/cli/main.ts',
        'train',
        '--workspace',
        process.env.STEPER_E2E_WORKSPACE!,
        '--config',
        config,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          STEPER_TRAINER: JSON.stringify([
            process.execPath,
            '-e',
            'process.stdout.write(process.env.FAKE_EVENTS)',
          ]),
          FAKE_EVENTS: events.map((e) => `${JSON.stringify(e)}\n`).join(''),
        },
      },
    );
    return stdout.trim().split('\n').at(-1)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  // A folder of its own: the picker's "other", typed in, with the paper's defaults to override.
  await page.locator('#train-student').selectOption('other');
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

test('every σ̃ and loss series has its own labelled line, told apart even where the values coincide', async ({
  page,
}) => {
  // At the start σ is 1 for every stage (σ̃ = 1/3 each), and here every stage loss equals the
  // combined one: all lines of a chart lie on top of each other.
  const third = 1 / 3;
  const t0 = Math.floor(Date.now() / 1000) - 60;
  const steps = [1, 2, 3, 4, 5, 6].map((step) => ({
    event: 'step',
    time: t0 + step,
    step,
    epoch: step / 6,
    loss: 3 - step * 0.2,
    stageLoss: { init: 3 - step * 0.2, exp: 3 - step * 0.2, agg: 3 - step * 0.2 },
    sigma: { init: 1, exp: 1, agg: 1 },
    sigmaNorm: { init: third, exp: third, agg: third },
    lr: 0.001,
    tokensPerSec: 1000,
  }));
  const runId = recordedRun('coinciding lines', [
    {
      event: 'start',
      time: t0,
      runDir: '/stand-in',
      config: {},
      totalSteps: 6,
      device: 'cpu',
      resumedFromStep: null,
    },
    ...steps,
    { event: 'done', time: t0 + 7, step: 6, bestCheckpoint: null, finalLoss: 1.8 },
  ]);
  await page.goto(`/training/${runId}`);
  for (const [chart, names] of [
    ['#chart-sigma', ['σ̃_init', 'σ̃_exp', 'σ̃_agg']],
    ['#chart-loss', ['combined', 'L_init', 'L_exp', 'L_agg']],
  ] as const) {
    const curves = page.locator(`${chart} path.recharts-line-curve`);
    await expect(curves).toHaveCount(names.length);
    const looks = await curves.evaluateAll((paths) =>
      paths.map((p) => ({
        stroke: p.getAttribute('stroke'),
        dash: p.getAttribute('stroke-dasharray') ?? 'solid',
        drawn: (p.getAttribute('d') ?? '').length > 0,
      })),
    );
    expect(looks.every((l) => l.drawn)).toBe(true);
    expect(new Set(looks.map((l) => l.stroke)).size, `${chart}: a colour per series`).toBe(names.length);
    // Colour alone is lost where lines coincide (the last one drawn hides the rest): dashes are not.
    expect(new Set(looks.map((l) => l.dash)).size, `${chart}: a dash pattern per series`).toBe(names.length);
    await expect(page.locator(`${chart} .recharts-legend-item-text`)).toHaveText([...names]);
    const keys = await page
      .locator(`${chart} .recharts-legend-icon`)
      .evaluateAll((icons) => icons.map((i) => i.getAttribute('stroke-dasharray') ?? 'solid'));
    expect(keys, `${chart}: the legend shows each line's dashes`).toEqual(looks.map((l) => l.dash));
  }
  await screenshot(page, 'training-coinciding-lines');
});
