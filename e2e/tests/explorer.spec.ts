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
  // The demo's teacher run retrieves K = 2 passages a step (the standard preset's world).
  const step1 = steps.first();
  await expect(step1.locator('.query-text')).not.toBeEmpty();
  await expect(step1.getByTestId('passage')).toHaveCount(2);
  await expect(step1.getByTestId('passage').first()).toContainText('BM25');
  await expect(step1.getByTestId('accessible-set').locator('li')).toHaveCount(2);
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

test('explorer: a live run of the evidence teacher draws its trace step by step', async ({ page }) => {
  await page.goto('/explore/run_demo');
  const first = page.getByTestId('question-item').first();
  const questionText = (await first.locator('.q-text').textContent()) ?? '';
  await page.locator('#live-toggle').click();
  const live = page.getByTestId('live-run');
  await expect(live.locator('#live-generator')).toHaveValue('evidence');
  // Students exported to ONNX are offered too, with the prompt they were trained on.
  await expect(
    live.locator('#live-generator optgroup[label="Students (exported ONNX)"] option'),
  ).not.toHaveCount(0);
  await live.locator('#live-generator').selectOption({ label: 'Demo student: StepER (public/demo)' });
  await expect(live.getByTestId('live-style')).toContainText('student prompt');
  await live.locator('#live-generator').selectOption('evidence');
  await expect(live.getByTestId('live-style')).toHaveText('teacher prompt');

  await live.locator('#live-question').fill(questionText);
  await live.locator('#live-answer').fill('Nobody in particular');
  // Record how many step cards are drawn after each change.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { liveCounts: number[] }).liveCounts = seen;
    const root = document.querySelector('[data-testid="live-run"]')!;
    new MutationObserver(() => {
      const n = root.querySelectorAll('[data-testid="trace-step"]').length;
      if (n !== seen.at(-1)) seen.push(n);
    }).observe(root, { childList: true, subtree: true });
  });
  const stream = page.waitForResponse((r) => r.url().includes('live.run'));
  await live.locator('#live-start').click();
  await expect(live.getByTestId('answer-panel')).toBeVisible();
  // The server streams one event per step as the step completes, then the whole trace.
  const events = (await (await stream).text())
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as { type?: string; step?: { step: number } });
  const stepEvents = events.filter((e) => e.type === 'step');
  expect(stepEvents.map((e) => e.step!.step)).toEqual(stepEvents.map((_, i) => i + 1));
  expect(events.findIndex((e) => e.type === 'done')).toBeGreaterThan(
    events.findIndex((e) => e.type === 'step'),
  );
  // … and the view draws them as they come: cards are only ever added, one step each.
  const steps = live.getByTestId('trace-step');
  await expect(steps).toHaveCount(stepEvents.length);
  const counts = await page.evaluate(() => (window as unknown as { liveCounts: number[] }).liveCounts);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(counts.at(-1)).toBe(stepEvents.length);
  // Each step as Figure 1 draws it: its query and the K = 4 passages a live run retrieves by default.
  await expect(steps.first().locator('.query-text')).toHaveText(questionText);
  await expect(steps.first().getByTestId('passage')).toHaveCount(4);
  await expect(live.getByTestId('answer-panel')).toContainText('Nobody in particular');
  await expect(live.locator('#live-start')).toHaveText('Run');
  await screenshot(page, 'explorer-live-run');

  // A second run starts from a clean slate.
  await live.locator('#live-loop').selectOption('self-ask');
  await live.locator('#live-start').click();
  await expect(live.getByTestId('answer-panel')).toBeVisible();
  await expect(live.getByTestId('live-error')).toHaveCount(0);
});
