import { expect, type Page, test } from '@playwright/test';
import { screenshot } from './helpers';

/** Two evaluations compared in Table 1's shape, one row each. */
async function expectTwoInTable1(page: Page, names: [string, string]) {
  const table = page.getByTestId('metrics-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  for (const name of names) await expect(table).toContainText(name);
  await expect(page.locator('#steps-table tbody tr')).toHaveCount(2);
}

/** A question's two traces side by side: both predictions and their steps. */
async function expectTracesSideBySide(page: Page) {
  const view = page.getByTestId('side-by-side');
  await expect(view.getByTestId('cmp-prediction')).toHaveCount(2);
  expect(await view.getByTestId('cmp-step').count()).toBeGreaterThan(0);
  return view;
}

test('a fresh workbench compares the shipped Vanilla-KD and StepER students on held-out questions', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/compare');
  // serve --demo queued an evaluation of each shipped student (public/demo) on the demo world's test split.
  const picker = page.locator('#eval-picker');
  const demo = (label: string) => picker.locator('tr', { hasText: `Demo student: ${label} (public/demo` });
  for (const label of ['Vanilla-KD', 'StepER']) {
    await expect(demo(label)).toHaveCount(1);
    await expect(demo(label).getByTestId('status')).toHaveText('done', { timeout: 240_000 });
    await expect(demo(label)).toContainText('200 traces');
  }
  await page.reload();

  // Side by side in Table 1's shape, with their traces question by question.
  await expectTwoInTable1(page, ['Demo student: Vanilla-KD', 'Demo student: StepER']);
  await screenshot(page, 'compare-demo-students');
  await page.getByTestId('cmp-question').first().click();
  await expectTracesSideBySide(page);
});

test('comparison: two evaluations in Table 1 shape, then their traces side by side', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/compare');
  // Two generator set-ups on the same held-out questions: K = 4 and K = 1 retrieval.
  for (const [name, k] of [
    ['IRCoT K=4', '4'],
    ['IRCoT K=1', '1'],
  ] as const) {
    await page.locator('#eval-name').fill(name);
    await page.locator('#eval-k').fill(k);
    await page.locator('#eval-limit').fill('40');
    await page.locator('#eval-start').click();
    await expect(page.locator('#eval-picker')).toContainText(name);
  }
  const statuses = page.locator('#eval-picker tr', { hasText: 'IRCoT K=' }).locator('[data-testid="status"]');
  await expect(statuses).toHaveCount(2);
  await expect(statuses.nth(0)).toHaveText('done', { timeout: 60_000 });
  await expect(statuses.nth(1)).toHaveText('done', { timeout: 60_000 });
  await page.reload();

  // The two newest evaluations are compared by default.
  await expectTwoInTable1(page, ['IRCoT K=4', 'IRCoT K=1']);
  await expect(page.locator('#recall-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#latency-chart .recharts-scatter')).toHaveCount(2);
  await screenshot(page, 'compare-metrics');

  // One right, the other wrong: fewer passages per step makes K=1 miss evidence.
  await page.locator('#cmp-filter').selectOption('split');
  const questions = page.getByTestId('cmp-question');
  await expect(questions.first()).toBeVisible();
  await questions.first().click();
  await expect(page).toHaveURL(/q=/);
  const view = await expectTracesSideBySide(page);
  await expect(view.locator('.diff-mark').first()).toBeVisible();
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-side-by-side');
});
