import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { screenshot } from './helpers';

const root = resolve(import.meta.dirname, '..', '..');
const COMMITTED = 'docs/results/quick-smoke-2026-11-23';
/** A fresh folder in the server workspace's imports/: the only place besides docs/results the API reads reports from. */
const importsFolder = (prefix: string) => {
  const imports = join(process.env.STEPER_E2E_WORKSPACE!, 'imports');
  mkdirSync(imports, { recursive: true });
  return mkdtempSync(join(imports, prefix));
};

interface System {
  name: string;
  evaluationId: string;
  summary: { steps: { mean: number } };
}
const committed = JSON.parse(readFileSync(join(root, COMMITTED, 'result.json'), 'utf8')) as {
  systems: System[];
  comparisons: unknown[];
  [k: string]: unknown;
};

async function importReport(page: Page, outDir: string) {
  await page.locator('#report-import-dir').fill(outDir);
  await page.locator('#report-import').click();
}

/** The report's figure really loaded (not a broken image). */
async function imageLoaded(page: Page, selector: string) {
  await expect
    .poll(() => page.locator(selector).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(100);
}

test('reports: the committed experiment report opens in the comparison view with its tables and charts', async ({
  page,
}) => {
  await page.goto('/compare');
  await page.locator('#cmp-tab-reports').click();
  await expect(page).toHaveURL(/tab=reports/);

  // A folder outside docs/results and the workspace's imports/ is refused, naming where to put it.
  await importReport(page, '/nonexistent/report');
  await expect(page.locator('.report-import-error')).toContainText(
    'over the API a report folder is read only from docs/results/',
  );
  await importReport(page, 'docs/results/no-such-run');
  await expect(page.locator('.report-import-error')).toContainText('no-such-run does not exist');

  await importReport(page, COMMITTED);
  await expect(page).toHaveURL(/report=rep_/);
  await expect(page.getByTestId('report-row').filter({ hasText: 'quick-smoke-2026-11-23' })).toHaveCount(1);
  const report = page.getByTestId('experiment-report');
  await expect(report).toBeVisible();
  await expect(page.getByTestId('claims-nothing')).toContainText('claims nothing');
  await expect(page.locator('#report-head')).toContainText('steper experiment --quick');

  const n = committed.systems.length;
  const table1 = page.getByTestId('report-metrics-table');
  await expect(table1.locator('tbody tr')).toHaveCount(n);
  for (const s of committed.systems) await expect(table1).toContainText(s.name);
  // Intervals under the values.
  await expect(table1.locator('.ci').first()).toHaveText(/^\[\d+\.\d, \d+\.\d\]$/);
  await expect(page.locator('#report-steps-table tbody tr')).toHaveCount(n);
  await expect(page.locator('#report-steps-table tbody tr').first()).toContainText(
    String(Number(committed.systems[0]!.summary.steps.mean.toFixed(2))),
  );
  await expect(page.locator('#report-recall-table tbody tr')).toHaveCount(n);
  await expect(page.locator('[data-testid^="report-paired-"] tbody tr')).toHaveCount(
    committed.comparisons.length * 3,
  );
  await expect(page.locator('#report-latency-chart .recharts-scatter')).toHaveCount(n);
  // This result predates the σ̃ series: Figure 7 is the report's PNG, served by the server.
  await imageLoaded(page, '[data-testid="sigma-png"] img');
  // Its evaluations ran elsewhere.
  await expect(table1.getByText('traces not in this workspace').first()).toBeVisible();
  await screenshot(page, 'reports-experiment');
  await page.locator('#report-paired-tests').scrollIntoViewIfNeeded();
  await screenshot(page, 'reports-experiment-tests');
});

test('reports: a micro experiment with σ̃ series links each system to its traces', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  // One real evaluation in this workspace: the report's first system points at it.
  const started = await request.post('/trpc/evaluations.start', {
    data: {
      name: 'Teacher (evidence) for the report',
      corpusId: 'corpus_demo',
      questionSetId: 'qset_demo_test',
      generator: { kind: 'evidence' },
      limit: 8,
    },
  });
  expect(started.ok()).toBe(true);
  const evalId = (await started.json()).result.data.evaluation.id as string;
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(
              `/trpc/evaluations.get?input=${encodeURIComponent(JSON.stringify({ id: evalId }))}`,
            )
          ).json()
        ).result.data.status,
      { timeout: 60_000 },
    )
    .toBe('done');

  const dir = join(importsFolder('report-'), 'micro');
  cpSync(join(root, COMMITTED), dir, { recursive: true });
  const stages = ['init', 'exp', 'agg'] as const;
  const sigmaSeries = stages.map((stage, k) => ({
    name: `σ̃ ${stage} · seed 1`,
    system: 'StepER (difficulty-aware) · seed 1',
    seed: 1,
    stage,
    points: Array.from({ length: 20 }, (_, i) => ({
      x: i + 1,
      y: 1 / 3 + (k - 1) * 0.004 * i,
      sigma: 1 + (k - 1) * 0.02 * i,
    })),
  }));
  writeFileSync(
    join(dir, 'result.json'),
    JSON.stringify({
      ...committed,
      preset: 'micro',
      claims: true,
      systems: committed.systems.map((s, i) => (i === 0 ? { ...s, evaluationId: evalId } : s)),
      sigmaSeries,
      // Students trained on a lent GPU (`--trained-on`): the facts say where and how long.
      gpu: {
        machine: { gpu: 'NVIDIA H100 80GB HBM3', torch: '2.11.0' },
        runs: [
          { stage: 'copy', kind: 'warm', wallSeconds: 30.2, steps: 1410, finalLoss: 1.2 },
          { stage: 'vanilla', kind: 'student', wallSeconds: 88.1, steps: 700, finalLoss: 0.4 },
        ],
      },
    }),
  );

  await page.goto('/compare?tab=reports');
  await importReport(page, dir);
  await expect(page).toHaveURL(/report=rep_/);
  await expect(page.getByTestId('experiment-report')).toBeVisible();
  await expect(page.getByTestId('claims-nothing')).toHaveCount(0);
  await expect(page.getByTestId('trained-on')).toHaveText(
    'NVIDIA H100 80GB HBM3 (torch 2.11.0): warm stage copy 30 s / 1,410 steps, vanilla 88 s / 700 steps; evaluated here',
  );
  const lines = page.locator('[data-testid="sigma-chart"] .recharts-line');
  await expect(lines).toHaveCount(3);
  await expect(page.locator('[data-testid="sigma-chart"]')).toContainText('σ̃ agg · seed 1');
  await page.locator('#report-sigma-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'reports-sigma');
  await page.getByRole('button', { name: 'raw σ' }).click();
  await expect(page.locator('[data-testid="sigma-chart"]')).toContainText('σ agg · seed 1');
  await expect(lines).toHaveCount(3);

  const link = page.getByTestId('report-trace-link');
  await expect(link).toHaveCount(1);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`e=${evalId}`));
  await expect(page.getByTestId('metrics-table')).toContainText('Teacher (evidence) for the report');
});

test('reports: an analysis report renders its Markdown, markup as text, and its figures', async ({
  page,
}) => {
  const dir = join(importsFolder('analysis-'), 'table2');
  cpSync(join(root, COMMITTED), dir, { recursive: true });
  writeFileSync(
    join(dir, 'result.json'),
    JSON.stringify({ analysis: 'table2', title: 'Fixed λ vs difficulty-aware' }),
  );
  writeFileSync(
    join(dir, 'report.md'),
    [
      '# Table 2 — fixed λ against difficulty-aware weighting',
      '',
      '| λ (init, exp, agg) | EM | F1 |',
      '|---|---|---|',
      '| 1, 1, 1 | 31.0 | 40.2 |',
      '| difficulty-aware | 33.4 | 42.0 |',
      '',
      'A passage may hold <script>window.pwned = 1</script> and <b>markup</b>: shown as text.',
      '',
      '![Figure 7](figure7-sigma.png)',
      '',
    ].join('\n'),
  );
  await page.goto('/compare?tab=reports');
  await importReport(page, dir);
  const md = page.getByTestId('report-markdown');
  await expect(md.locator('table tbody tr')).toHaveCount(2);
  await expect(md).toContainText('<script>window.pwned = 1</script>');
  await expect(md.locator('b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await imageLoaded(page, '[data-testid="report-markdown"] img');
  // The figure the Markdown does not show is listed under it.
  await expect(page.locator('#report-figures img')).toHaveCount(1);
  await screenshot(page, 'reports-analysis');
});

test('reports: the standard report shows where its scores come from, by question type', async ({ page }) => {
  const dir = 'docs/results/standard-2026-12-05-cpu';
  const result = JSON.parse(readFileSync(join(root, dir, 'result.json'), 'utf8')) as {
    byType: { name: string; type: string; em: number; acc: number; n: number }[];
  };
  await page.goto('/compare?tab=reports');
  await importReport(page, dir);
  await expect(page).toHaveURL(/report=rep_/);
  const table = page.getByTestId('report-by-type');
  const names = [...new Set(result.byType.map((r) => r.name))];
  await expect(table.locator('tbody tr')).toHaveCount(names.length);
  const bridge = result.byType.find(
    (r) => r.name === 'Teacher (evidence, few-shot prompts)' && r.type === 'bridge',
  )!;
  const teacherRow = table.locator('tbody tr').filter({ hasText: 'Teacher (evidence' });
  await expect(teacherRow).toContainText(
    `${(100 * bridge.em).toFixed(1)} / ${(100 * bridge.acc).toFixed(1)}`,
  );
  await expect(table.locator('thead')).toContainText('comparison');
  await expect(table.locator('thead')).toContainText('yes/no 52.0');
});

test('reports: a report below the bar on its primary metric says it is underpowered and shows the metric per group', async ({
  page,
}) => {
  const dir = 'docs/results/recipe-2026-12-06/p1-reading-warm-start';
  const result = JSON.parse(readFileSync(join(root, dir, 'result.json'), 'utf8')) as {
    primary: { name: string; powered: boolean; best: { name: string; mean: number } };
    pooled: { name: string; primary: { mean: number } }[];
  };
  expect(result.primary.powered).toBe(false);
  await page.goto('/compare?tab=reports');
  await importReport(page, dir);
  await expect(page).toHaveURL(/report=rep_/);
  await expect(page.getByTestId('underpowered')).toContainText('Underpowered: it claims nothing.');
  await expect(page.getByTestId('underpowered')).toContainText(
    `${(100 * result.primary.best.mean).toFixed(1)}% ${result.primary.name}`,
  );
  await expect(page.getByTestId('claims-nothing')).toHaveCount(0);
  const section = page.locator('#report-primary');
  await expect(section).toContainText(`Primary metric: ${result.primary.name}`);
  for (const row of result.pooled) {
    await expect(section.locator('tr').filter({ hasText: row.name }).first()).toContainText(
      (100 * row.primary.mean).toFixed(1),
    );
  }
  await expect(page.getByTestId('primary-gaps').locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('#report-pooled-table')).toContainText(
    'resampling questions with all their seeds',
  );
});

test('reports: a probe whose students pass the bar says it is a probe, not a smoke run', async ({ page }) => {
  const dir = 'docs/results/recipe-2026-12-06/p10-twice-the-questions';
  const result = JSON.parse(readFileSync(join(root, dir, 'result.json'), 'utf8')) as {
    claims: boolean;
    primary: { powered: boolean };
  };
  expect([result.claims, result.primary.powered]).toEqual([false, true]);
  await page.goto('/compare?tab=reports');
  await importReport(page, dir);
  await expect(page).toHaveURL(/report=rep_/);
  await expect(page.getByTestId('probe')).toContainText('A probe: it claims nothing.');
  await expect(page.getByTestId('claims-nothing')).toHaveCount(0);
  await expect(page.getByTestId('underpowered')).toHaveCount(0);
});
