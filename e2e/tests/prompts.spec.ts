import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test('prompts: demonstrations in Monaco with a live preview of the rendered prompt', async ({ page }) => {
  await page.goto('/prompts');
  await expect(page.locator('#demos-editor .monaco-editor')).toBeVisible();
  const preview = page.getByTestId('prompt-preview');
  await expect(preview).toContainText('Q: Answer the following question by reasoning step-by-step.');
  await expect(preview).toContainText('Wikipedia Title:');
  await page.locator('#prompt-style-student').click();
  await expect(preview).not.toContainText('So the answer is:');
  await page.locator('#prompt-style-teacher').click();
  await page.locator('#prompt-loop-self-ask').click();
  await expect(preview).toContainText('Are follow up questions needed here:');
  await screenshot(page, 'prompts');
  // A broken demonstration file is named, not rendered.
  await page.locator('#demos-editor .monaco-editor').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('}');
  await expect(page.getByTestId('demos-error')).toBeVisible();
});

test('prompts: edited demonstrations saved as the workspace default survive a reload, then reset', async ({
  page,
}) => {
  await page.goto('/prompts');
  const source = page.getByTestId('demos-source');
  const editor = page.locator('#demos-editor .monaco-editor');
  await expect(source).toHaveText('built-in');
  await expect(editor).toContainText('"name": "ircot-synthetic"');
  // Rename the file in the editor: line 3 is its "name".
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('-edited');
  await expect(editor).toContainText('"name": "ircot-synthetic-edited"');
  await page.locator('#demos-save').click();
  await expect(page.getByTestId('demos-saved')).toBeVisible();
  await expect(source).toHaveText('workspace default');

  await page.reload();
  await expect(source).toHaveText('workspace default');
  await expect(editor).toContainText('"name": "ircot-synthetic-edited"');
  // Self-Ask has its own default: still the built-in one.
  await page.locator('#prompt-loop-self-ask').click();
  await expect(source).toHaveText('built-in');
  await page.locator('#prompt-loop-ircot').click();
  await expect(source).toHaveText('workspace default');
  await screenshot(page, 'prompts-workspace-default');

  // Back to the built-in demonstrations, for good.
  await page.locator('#demos-reset').click();
  await expect(page.getByTestId('demos-reset-done')).toBeVisible();
  await expect(source).toHaveText('built-in');
  await expect(editor).toContainText('"name": "ircot-synthetic"');
  await page.reload();
  await expect(source).toHaveText('built-in');
  await expect(page.locator('#demos-reset')).toHaveCount(0);
});
