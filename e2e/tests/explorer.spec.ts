import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('explorer opens a trace step by step, with a deep link to a question and step', async ({ page }) => {
  await page.goto('/explore');
  await expect(page).toHaveURL(/\/explore\/run_demo$/);
  const first = page.getByTestId('question-item').first();
  const questionText = (await first.locator('.q-text').textContent()) ?? '';
  await first.click();
  await expect(page.getByTestId('question-text')).toHaveText(questionText);
  const steps = page.getByTestId('trace-step');
  expect(await steps.count()).toBeGreaterThanOrEqual(2);

  // Figure 1 per step: query, retrieved passages with BM25 scores and gold marks, P≤s, reasoning.
  const step1 = steps.first();
  await expect(step1.locator('.query-text')).not.toBeEmpty();
  await expect(step1.getByTestId('passage')).toHaveCount(4);
  await expect(step1.getByTestId('passage').first()).toContainText('BM25');
  await expect(step1.getByTestId('accessible-set').locator('li')).toHaveCount(4);
  await expect(step1.getByTestId('reasoning')).not.toBeEmpty();
  await expect(page.locator('.tag-gold').first()).toBeVisible();
  // From step 2 on, passages retrieved before are marked, and P≤2 grows.
  await expect(steps.nth(1).getByTestId('accessible-set').locator('li')).not.toHaveCount(0);
  await expect(page.getByTestId('answer-panel')).toContainText('Gold');
  await expect(page.getByTestId('metric-em')).toBeVisible();

  // Step chip → URL carries the step; the same URL opens there after a reload.
  await page.getByTestId('step-chip').nth(1).click();
  await expect(page).toHaveURL(/step=2/);
  const url = page.url();
  await page.goto(url);
  await expect(page.locator('.step.focused')).toHaveAttribute('data-step', '2');
  await expect(page.getByTestId('question-text')).toHaveText(questionText);

  // Keyboard: j opens the next question of the list.
  await expect(page.locator('[data-testid="question-item"].selected')).toBeVisible();
  await page.keyboard.press('j');
  await expect(page.getByTestId('question-text')).not.toHaveText(questionText);
  await page.keyboard.press('k');
  await expect(page.getByTestId('question-text')).toHaveText(questionText);
  await page.getByTestId('step-chip').nth(1).click();
  await screenshot(page, 'explorer-trace');
});

test('explorer filters questions by kept / filtered out and by steps', async ({ page }) => {
  await page.goto('/explore/run_demo');
  await page.locator('#filter-kept').selectOption('filtered');
  await expect(page).toHaveURL(/kept=filtered/);
  const items = page.getByTestId('question-item');
  await expect(items.first()).toBeVisible();
  await expect(items.locator('.verdict-ok')).toHaveCount(0);
  expect(await items.locator('.verdict-bad').count()).toBe(await items.count());
  await page.locator('#filter-steps').selectOption('5');
  await expect(page).toHaveURL(/steps=5/);
  await expect(items.first()).toContainText('5 steps');
  await page.locator('#question-search').fill('zzzz-no-such-question');
  await expect(page.getByText('No question matches')).toBeVisible();
  await screenshot(page, 'explorer-empty-filter');
});
