import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('workspace home lists the demo workspace and runs a teacher job with live progress', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Workspace' })).toBeVisible();
  // The demo: the synthetic world indexed, a teacher run done, its step data built.
  await expect(page.locator('#teacher-runs [data-testid="teacher-run-row"]')).toHaveCount(1);
  await expect(page.locator('#teacher-runs')).toContainText('evidence teacher');
  await expect(page.locator('#datasets [data-testid="dataset-row"]')).toHaveCount(1);
  await expect(page.locator('#corpora')).toContainText('Synthetic world');
  await expect(page.locator('#jobs-panel [data-kind="teach"] [data-testid="status"]').first()).toHaveText(
    'done',
  );

  // Start a small teacher run from the form: its job appears and reaches done through the live stream.
  await page.locator('#teach-loop').selectOption('self-ask');
  await page.locator('#teach-limit').fill('30');
  await page.locator('#teach-name').fill('self-ask · 30 questions');
  await page.locator('#teach-start').click();
  await expect(page.locator('#start-teacher-run')).toContainText('Queued');
  await expect(page.locator('#teacher-runs [data-testid="teacher-run-row"]')).toHaveCount(2);
  const row = page.locator('#teacher-runs [data-testid="teacher-run-row"]', {
    hasText: 'self-ask · 30 questions',
  });
  await expect(row.locator('[data-testid="status"]')).toHaveText('done', { timeout: 30_000 });
  await expect(row).toContainText('30 / 30');
  await expect(
    page.locator('#jobs-panel [data-testid="job"]').first().locator('.progress-text'),
  ).toContainText('30 / 30');
  await screenshot(page, 'home');
});

test('the home page’s selects show their whole chosen option, never a clipped name', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#teach-corpus option:checked')).toHaveText('Synthetic world (demo)');
  await expect(page.locator('#teach-questions option:checked')).toContainText('Synthetic world');
  // A select's scrollWidth never exceeds its clientWidth (the browser clips the option text
  // inside it), so the text's own width is measured: the same select, sized to that option.
  const clipped = await page.locator('select:visible').evaluateAll((selects) =>
    selects.flatMap((el) => {
      const select = el as HTMLSelectElement;
      const shown = select.selectedOptions[0];
      if (!shown) return [];
      const probe = select.cloneNode(false) as HTMLSelectElement;
      probe.removeAttribute('id');
      probe.append(shown.cloneNode(true));
      probe.style.cssText =
        'position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none';
      select.parentElement!.append(probe);
      const needs = probe.getBoundingClientRect().width;
      probe.remove();
      const has = select.getBoundingClientRect().width;
      return needs > has + 0.5 ? [`#${select.id} "${shown.text}": needs ${needs}px, has ${has}px`] : [];
    }),
  );
  expect(clipped).toEqual([]);
});
