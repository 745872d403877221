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
