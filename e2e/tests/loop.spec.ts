import { expect, type Page, test } from '@playwright/test';
import { screenshot } from './helpers';

/**
 * Two-hop questions in HotpotQA's format about made-up people, towns and countries (so no model
 * could know them): each person's passage names a town, each town's passage its country.
 */
function hotpotFile(n: number): string {
  const syllables = ['ka', 'lo', 'mir', 'ven', 'tas', 'rul', 'do', 'fen', 'gar', 'ish', 'pel', 'zor'];
  const name = (i: number, salt: number) => {
    const a = syllables[(i * 7 + salt) % syllables.length]!;
    const b = syllables[(i * 5 + salt * 3 + 1) % syllables.length]!;
    return `${a[0]!.toUpperCase()}${a.slice(1)}${b}`;
  };
  const countries = ['Norland', 'Estavia', 'Quarn', 'Belmora'];
  const rows = Array.from({ length: n }, (_, i) => {
    const person = `${name(i, 1)} ${name(i, 2)}son`;
    const town = `${name(i, 5)}ford`;
    const country = countries[i % countries.length]!;
    const other = `${name(i + 1, 5)}ford`;
    return {
      _id: `loop-${i}`,
      question: `In which country is the town where ${person} was born?`,
      answer: country,
      type: 'bridge',
      supporting_facts: [
        [person, 0],
        [town, 0],
      ],
      context: [
        [person, [`${person} was born in ${town}.`, ` ${person} worked as a weaver.`]],
        [town, [`${town} is a town in ${country}.`, ` ${town} lies on a river.`]],
        [other, [`${other} is a town in ${countries[(i + 1) % countries.length]}.`]],
      ],
    };
  });
  return JSON.stringify(rows);
}

async function importFile(page: Page, kind: string, name: string, content: string, corpusId?: string) {
  await page.locator('#import-kind').selectOption(kind);
  // Not the default (english): the corpus records the analyser picked in the form.
  if (kind !== 'questions') await page.locator('#import-analyzer').selectOption('steper');
  await page
    .locator('#import-file')
    .setInputFiles({ name: 'loop-hotpot.json', mimeType: 'application/json', buffer: Buffer.from(content) });
  await page.locator('#import-name').fill(name);
  if (corpusId) await page.locator('#import-corpus').selectOption(corpusId);
  await page.locator('#import-submit').click();
}

/** Trains the dataset's tiny student with one objective from the training form, to the end. */
async function train(page: Page, datasetId: string, name: string, objective: string) {
  await page.goto(`/training?dataset=${datasetId}`);
  await expect(page.locator('#train-student')).toHaveValue('tiny');
  await expect(page.getByTestId('train-student-note')).toContainText('lr 0.003');
  await page.locator('#train-name').fill(name);
  await page.locator('#train-objective').selectOption(objective);
  await page.locator('#train-epochs').fill('1');
  await page.locator('#train-max-steps').fill('4');
  await page.locator('#train-start').click();
  await expect(page).toHaveURL(/\/training\/train_/, { timeout: 120_000 });
  await expect(page.locator('[data-testid="run-dashboard"] [data-testid="status"]').first()).toHaveText(
    'done',
    { timeout: 240_000 },
  );
}

/** Exports a trained student from the evaluation form, then evaluates it on the question set. */
async function evaluate(page: Page, runName: string, corpusId: string, setId: string, evalName: string) {
  const generator = page.locator('#eval-generator');
  const option = generator.locator('option', { hasText: `Student: ${runName}` });
  await generator.selectOption({ label: (await option.textContent()) ?? '' });
  await expect(option).toContainText('not exported yet');
  await page.locator('#eval-export').click();
  // Once exported, the form picks the run's student by itself.
  await expect(generator).toHaveValue(/^student:train_/, { timeout: 180_000 });
  await page.locator('#eval-name').fill(evalName);
  await page.locator('#eval-corpus').selectOption(corpusId);
  await page.locator('#eval-questions').selectOption(setId);
  await page.locator('#eval-limit').fill('6');
  await page.locator('#eval-start').click();
  await expect(page.locator('#eval-picker')).toContainText(evalName);
}

test('the whole loop in the UI: import → teacher run → step data → two students → evaluated → compared', async ({
  page,
}) => {
  test.setTimeout(900_000);
  const content = hotpotFile(16);
  await page.goto('/');
  await importFile(page, 'corpus-dataset', 'Loop corpus', content);
  const corpusRow = page.locator('#corpora tr', { hasText: 'Loop corpus' });
  await expect(corpusRow).toContainText('built', { timeout: 60_000 });
  const corpusId = (await corpusRow.locator('.cell-id').textContent()) ?? '';
  const corpus = await (
    await page.request.get(`/trpc/corpora.get?input=${encodeURIComponent(JSON.stringify({ id: corpusId }))}`)
  ).json();
  expect(corpus.result.data.source.analyzer).toBe('steper');
  await importFile(page, 'questions', 'Loop questions', content, corpusId);
  await expect(page.locator('#import')).toContainText('16 questions');
  const setRow = page.locator('#question-sets tr', { hasText: 'Loop questions' });
  const setId = (await setRow.locator('.cell-id').textContent()) ?? '';

  // The evidence teacher (no model) answers from the supporting facts; its run builds the step data.
  await page.locator('#teach-corpus').selectOption(corpusId);
  await page.locator('#teach-questions').selectOption(setId);
  await page.locator('#teach-limit').fill('');
  await page.locator('#teach-name').fill('loop teacher run');
  await page.locator('#teach-start').click();
  const run = page.locator('#teacher-runs [data-testid="teacher-run-row"]', { hasText: 'loop teacher run' });
  await expect(run.locator('[data-testid="status"]')).toHaveText('done', { timeout: 60_000 });
  await expect(run).toContainText('16 / 16');
  const dataset = page.locator('#datasets [data-testid="dataset-row"]', { hasText: 'loop teacher run' });
  await expect(dataset).toBeVisible({ timeout: 30_000 });
  const datasetId = (await dataset.locator('.cell-id').textContent()) ?? '';

  await train(page, datasetId, 'loop vanilla', 'vanilla');
  await train(page, datasetId, 'loop steper', 'steper-uniform');

  await page.goto('/compare');
  await evaluate(page, 'loop vanilla', corpusId, setId, 'Loop Vanilla-KD');
  await evaluate(page, 'loop steper', corpusId, setId, 'Loop StepER');
  const statuses = page.locator('#eval-picker tr', { hasText: 'Loop ' }).locator('[data-testid="status"]');
  await expect(statuses).toHaveCount(2);
  await expect(statuses.nth(0)).toHaveText('done', { timeout: 180_000 });
  await expect(statuses.nth(1)).toHaveText('done', { timeout: 180_000 });
  await page.reload();

  // The two newest evaluations are compared by default: Table 1's shape, one row each.
  const table = page.getByTestId('metrics-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('Loop Vanilla-KD');
  await expect(table).toContainText('Loop StepER');
  await screenshot(page, 'loop-compare');

  await page.getByTestId('cmp-question').first().click();
  const view = page.getByTestId('side-by-side');
  await expect(view.getByTestId('cmp-prediction')).toHaveCount(2);
  expect(await view.getByTestId('cmp-step').count()).toBeGreaterThan(0);
  await screenshot(page, 'loop-side-by-side');
});
