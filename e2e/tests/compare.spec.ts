import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('comparison: two evaluations in Table 1 shape, then their traces side by side', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/compare');
  await expect(page.getByText('No evaluation yet')).toBeVisible();
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
  const statuses = page.locator('#eval-picker [data-testid="status"]');
  await expect(statuses).toHaveCount(2);
  await expect(statuses.nth(0)).toHaveText('done', { timeout: 60_000 });
  await expect(statuses.nth(1)).toHaveText('done', { timeout: 60_000 });
  await page.reload();

  const table = page.getByTestId('metrics-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('IRCoT K=4');
  await expect(table).toContainText('IRCoT K=1');
  await expect(page.locator('#steps-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#recall-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#latency-chart .recharts-scatter')).toHaveCount(2);
  await screenshot(page, 'compare-metrics');

  // One right, the other wrong: fewer passages per step makes K=1 miss evidence.
  await page.locator('#cmp-filter').selectOption('split');
  const questions = page.getByTestId('cmp-question');
  await expect(questions.first()).toBeVisible();
  await questions.first().click();
  await expect(page).toHaveURL(/q=/);
  const view = page.getByTestId('side-by-side');
  await expect(view.getByTestId('cmp-prediction')).toHaveCount(2);
  expect(await view.getByTestId('cmp-step').count()).toBeGreaterThan(0);
  await expect(view.locator('.diff-mark').first()).toBeVisible();
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-side-by-side');
});
