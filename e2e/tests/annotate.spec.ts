import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('annotate steps with the keyboard and Monaco; verdicts persist after a reload', async ({ page }) => {
  await page.goto('/annotate');
  await expect(page).toHaveURL(/\/annotate\/steps_[^/]+\/[^/?]+/);
  await page.locator('#annotator-name').fill('ada');
  await page.locator('#annotator-set').click();
  const examples = page.getByTestId('example');
  await expect(examples.first()).toBeVisible();
  const n = await examples.count();
  expect(n).toBeGreaterThanOrEqual(3);
  // The prompt is shown read-only beside the target.
  await expect(examples.first().getByTestId('example-prompt')).toContainText('Wikipedia Title:');

  // a: accept the focused step, focus moves on; r: reject with a reason.
  await page.keyboard.press('a');
  await expect(examples.nth(0)).toHaveAttribute('data-status', 'accepted');
  await expect(examples.nth(1)).toHaveClass(/focused/);
  await page.keyboard.press('r');
  await page.locator('#reject-reason').fill('wrong bridge entity');
  await page.keyboard.press('Enter');
  await expect(examples.nth(1)).toHaveAttribute('data-status', 'rejected');

  // e: edit the last (aggregation) step in Monaco, prompt read-only beside it.
  const last = examples.nth(n - 1);
  await last.click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('e');
  const editor = page.locator('#target-editor .monaco-editor');
  await expect(editor).toBeVisible();
  await expect(page.locator('#prompt-editor .monaco-editor')).toBeVisible();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' (checked by ada)', { delay: 20 });
  await expect(editor).toContainText('(checked by ada)');
  await page.locator('#edit-save').click();
  await expect(last).toHaveAttribute('data-status', 'edited');
  await expect(page.getByTestId('annot-progress')).toContainText('3 /');

  await page.reload();
  await expect(examples.nth(0)).toHaveAttribute('data-status', 'accepted');
  await expect(examples.nth(1)).toHaveAttribute('data-status', 'rejected');
  await expect(examples.nth(1)).toContainText('wrong bridge entity');
  await expect(examples.nth(n - 1)).toHaveAttribute('data-status', 'edited');
  await expect(examples.nth(n - 1).getByTestId('example-target')).toContainText('(checked by ada)');
  await expect(page.locator('#agreement')).toContainText('ada');
  await examples.nth(1).click({ position: { x: 5, y: 5 } });
  await screenshot(page, 'annotate');
});

test('a stale verdict is refused with a conflict message, never saved over the newer one', async ({
  context,
}) => {
  const one = await context.newPage();
  await one.goto('/annotate');
  await one.locator('#annotator-name').fill('grace');
  await one.locator('#annotator-set').click();
  await one.getByTestId('annot-question').nth(1).click();
  const url = one.url();
  const ex1 = one.getByTestId('example').first();
  await ex1.getByRole('button', { name: /Accept/ }).click();
  await expect(ex1).toHaveAttribute('data-status', 'accepted');

  // A second window reads version 1 …
  const two = await context.newPage();
  await two.goto(url);
  const ex2 = two.getByTestId('example').first();
  await expect(ex2).toHaveAttribute('data-status', 'accepted');
  // … the first changes it to version 2 …
  await ex1.getByRole('button', { name: /Reject/ }).click();
  await one.locator('#reject-reason').fill('not supported by the passages');
  await one.keyboard.press('Enter');
  await expect(ex1).toHaveAttribute('data-status', 'rejected');
  // … and the second, still at version 1, is told instead of overwriting it.
  await ex2.getByRole('button', { name: /Edit/ }).click();
  const editor = two.locator('#target-editor .monaco-editor');
  await editor.locator('.view-lines').click();
  await two.keyboard.press('Control+End');
  await two.keyboard.type(' stale edit', { delay: 20 });
  await expect(editor).toContainText('stale edit');
  await two.locator('#edit-save').click();
  await expect(two.getByTestId('conflict')).toContainText('Changed elsewhere');
  await screenshot(two, 'annotate-conflict');
  await two.getByRole('button', { name: 'Reload it' }).click();
  await expect(two.getByTestId('conflict')).toHaveCount(0);
  await expect(ex2).toHaveAttribute('data-status', 'rejected');
});

test('after accepting a step, one click on the next step’s Reject opens its reason field', async ({
  page,
}) => {
  // Short enough that the second step's card runs past the bottom: focusing it must not scroll
  // the page between the press and the release of the click.
  await page.setViewportSize({ width: 1280, height: 640 });
  await page.goto('/annotate');
  await page.locator('#annotator-name').fill('edsger');
  await page.locator('#annotator-set').click();
  await page.getByTestId('annot-question').nth(2).click();
  const examples = page.getByTestId('example');
  await expect(examples.nth(1)).toBeVisible();
  await examples
    .nth(0)
    .getByRole('button', { name: /Accept/ })
    .click();
  await expect(examples.nth(0)).toHaveAttribute('data-status', 'accepted');

  await examples
    .nth(1)
    .getByRole('button', { name: /Reject/ })
    .click();
  await expect(page.locator('#reject-reason')).toBeVisible({ timeout: 2_000 });
  await page.locator('#reject-reason').fill('wrong bridge entity');
  await page.keyboard.press('Enter');
  await expect(examples.nth(1)).toHaveAttribute('data-status', 'rejected');
});
