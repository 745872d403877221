import { expect, type Page, test } from '@playwright/test';
import { screenshot } from './helpers';

async function signIn(page: Page, name: string): Promise<void> {
  await page.locator('#annotator-name').fill(name);
  await page.locator('#annotator-set').click();
  await expect(page.getByTestId('annot-progress')).toContainText(`${name}’s progress`);
}

/** The demo workspace's step dataset: the oldest one (other specs may build more). */
async function demoDataset(page: Page): Promise<string> {
  const res = await page.request.get('/trpc/stepData.list');
  expect(res.ok()).toBe(true);
  const list = (await res.json()).result.data as { id: string }[];
  return list.at(-1)!.id;
}

test('questions are assigned, two annotators disagree on a step, the adjudicator resolves it for good', async ({
  page,
}) => {
  const datasetId = await demoDataset(page);

  // Assign: the fourth question (no other spec touches it) goes to two annotators.
  await page.goto(`/annotate/${datasetId}?view=assign`);
  await signIn(page, 'lead');
  const row = page.getByTestId('assign-question').nth(3);
  const questionId = (await row.getAttribute('data-question-id')) ?? '';
  expect(questionId).not.toBe('');
  for (const name of ['turing', 'hopper']) {
    await row.getByRole('checkbox').check();
    await page.locator('#assign-to').fill(name);
    await page.locator('#assign-selected').click();
    await expect(row).toContainText(name);
  }
  await expect(page.locator('#assign-progress [data-annotator="hopper"]')).toContainText('0 / ');
  await screenshot(page, 'annotate-assign');

  // turing works through "Assigned to me": one question, whose first step they accept.
  await page.locator('#annot-tab-annotate').click();
  await signIn(page, 'turing');
  // The filter lives in the URL (?mine=1): the box is checked once the navigation lands, so a
  // plain click and a wait, not check(), which wants the state changed the moment it clicks.
  await page.locator('#assigned-to-me').click();
  await expect(page.locator('#assigned-to-me')).toBeChecked();
  const listed = page.getByTestId('annot-question');
  await expect(listed).toHaveCount(1);
  await expect(listed.first()).toHaveAttribute('data-question-id', questionId);
  await listed.first().click();
  const step = page.getByTestId('example').first();
  const exampleId = (await step.getAttribute('data-example-id')) ?? '';
  expect(exampleId.startsWith(`${questionId}:`)).toBe(true);
  await step.getByRole('button', { name: /Accept/ }).click();
  await expect(step).toHaveAttribute('data-status', 'accepted');

  // hopper, on the same question, rejects that step: a disagreement.
  await signIn(page, 'hopper');
  await expect(listed).toHaveCount(1);
  await step.getByRole('button', { name: /Reject/ }).click();
  await page.locator('#reject-reason').fill('wrong <b>bridge</b> entity');
  await page.keyboard.press('Enter');
  await expect(step).toHaveAttribute('data-status', 'rejected');
  await expect(page.locator('#open-adjudication')).toContainText('open');

  // The adjudicator sees both verdicts beside the prompt and the teacher's target …
  await page.locator('#annot-tab-adjudicate').click();
  await signIn(page, 'lead');
  await page.locator(`[data-testid="dispute-item"][data-example-id="${exampleId}"]`).click();
  const card = page.getByTestId('dispute');
  await expect(card).toHaveAttribute('data-example-id', exampleId);
  await expect(card).toHaveAttribute('data-resolution', 'open');
  await expect(card.getByTestId('verdict-col')).toHaveCount(2);
  // Reasons are text: markup shows as typed.
  await expect(card.locator('[data-annotator="hopper"]')).toContainText('wrong <b>bridge</b> entity');
  await expect(card.locator('[data-annotator="hopper"] b')).toHaveCount(0);
  await expect(card.locator('[data-annotator="turing"]')).toContainText('accepted');
  await expect(card.getByTestId('dispute-prompt')).toContainText('Wikipedia Title:');
  await expect(card.getByTestId('dispute-original')).not.toBeEmpty();
  await screenshot(page, 'adjudicate');

  // … and writes the resolution in Monaco (e, then Ctrl+End, type, save).
  await page.keyboard.press('e');
  const editor = page.locator('#target-editor .monaco-editor');
  await expect(editor).toBeVisible();
  await expect(page.locator('#prompt-editor .monaco-editor')).toBeVisible();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' (resolved by lead)', { delay: 20 });
  await expect(editor).toContainText('(resolved by lead)');
  await page.locator('#edit-save').click();
  await expect(card).toHaveAttribute('data-resolution', 'edited');

  // A reload shows it as recorded; the open queue is empty; the annotation view shows it too.
  await page.reload();
  await expect(card).toHaveAttribute('data-example-id', exampleId);
  await expect(card).toHaveAttribute('data-resolution', 'edited');
  await expect(card.getByTestId('resolution')).toContainText('by lead');
  await expect(card.getByTestId('resolution-target')).toContainText('(resolved by lead)');
  await expect(page.getByText('No open disagreements')).toBeVisible();
  await expect(page.getByTestId('open-disputes')).toHaveCount(0);
  await screenshot(page, 'adjudicate-resolved');

  await page.goto(`/annotate/${datasetId}/${encodeURIComponent(questionId)}`);
  await expect(
    page.locator(`[data-testid="example"][data-example-id="${exampleId}"] [data-testid="adjudicated-note"]`),
  ).toContainText('adjudicated by lead');
});
