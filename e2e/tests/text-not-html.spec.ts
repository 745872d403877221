import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

const SCRIPT = '<script>window.__pwned = 1</script>';

/** A HotpotQA file whose paragraphs carry markup and a script tag: corpus and questions come from it. */
const HOTPOT = JSON.stringify([
  {
    _id: 'markup-1',
    question: 'Who wrote the Velvet Ledger note?',
    answer: 'Ada Reyes',
    type: 'bridge',
    level: 'easy',
    supporting_facts: [
      ['Velvet Ledger <b>note</b>', 0],
      ['Ada Reyes', 0],
    ],
    context: [
      [
        'Velvet Ledger <b>note</b>',
        [
          `The Velvet Ledger note ${SCRIPT} was written by Ada Reyes.`,
          'It is <img src=x onerror="window.__pwned=2"> short.',
        ],
      ],
      ['Ada Reyes', ['Ada Reyes is a writer who wrote the Velvet Ledger note.']],
      ['Copper Hill', ['Copper Hill is a town with a note of its own.']],
    ],
  },
  {
    _id: 'markup-2',
    question: 'Where is Copper Hill?',
    answer: 'Norland',
    supporting_facts: [['Copper Hill', 1]],
    context: [
      ['Copper Hill', ['Copper Hill is a town with a note of its own.', 'Copper Hill is in Norland.']],
    ],
  },
]);

test('a passage with a script tag and markup renders literally, from upload to trace', async ({ page }) => {
  await page.goto('/');
  const file = { name: 'markup-hotpot.json', mimeType: 'application/json', buffer: Buffer.from(HOTPOT) };

  await page.locator('#import-kind').selectOption('corpus-dataset');
  await page.locator('#import-file').setInputFiles(file);
  await page.locator('#import-name').fill('Markup corpus');
  await page.locator('#import-submit').click();
  await expect(page.locator('#import')).toContainText('indexing queued');
  const corpusRow = page.locator('#corpora tr', { hasText: 'Markup corpus' });
  await expect(corpusRow).toContainText('built', { timeout: 30_000 });
  const corpusId = (await corpusRow.locator('.cell-id').textContent()) ?? '';

  await page.locator('#import-kind').selectOption('questions');
  await page.locator('#import-file').setInputFiles(file);
  await page.locator('#import-name').fill('Markup questions');
  await page.locator('#import-corpus').selectOption(corpusId);
  await page.locator('#import-submit').click();
  await expect(page.locator('#import')).toContainText('2 questions');
  const setId =
    (await page
      .locator('#question-sets tr', { hasText: 'Markup questions' })
      .locator('.cell-id')
      .textContent()) ?? '';

  await page.locator('#teach-corpus').selectOption(corpusId);
  await page.locator('#teach-questions').selectOption(setId);
  await page.locator('#teach-limit').fill('');
  await page.locator('#teach-name').fill('markup run');
  await page.locator('#teach-start').click();
  const run = page.locator('#teacher-runs [data-testid="teacher-run-row"]', { hasText: 'markup run' });
  await expect(run.locator('[data-testid="status"]')).toHaveText('done', { timeout: 30_000 });
  await run.getByRole('link', { name: 'Explore' }).click();
  await page.getByTestId('question-item').filter({ hasText: 'Velvet Ledger' }).click();

  const passage = page
    .getByTestId('passage')
    .filter({ has: page.locator('.passage-title', { hasText: 'Velvet Ledger <b>note</b>' }) })
    .first();
  await expect(passage).toContainText(SCRIPT);
  await expect(passage).toContainText('<img src=x onerror="window.__pwned=2">');
  await expect(passage.locator('.passage-title')).toHaveText('Velvet Ledger <b>note</b>');
  // The teacher's reasoning quotes the sentence: model output is text too.
  await expect(page.getByTestId('reasoning').first()).toContainText(SCRIPT);
  expect(await page.locator('#root script, #root img, #root b').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await passage.scrollIntoViewIfNeeded();
  await screenshot(page, 'text-not-html');
});
