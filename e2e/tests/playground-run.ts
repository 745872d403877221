import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { DEMO_DIR, loadNodeStudent, nodeGenerate, variantFile } from './playground-node';

/**
 * Shared by the WASM and WebGPU playground tests: load the playground on one backend, answer the
 * first held-out question with every student, and replay every step's prompt in onnxruntime-node.
 */

const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8')) as {
  students: { id: string }[];
  questions: { id: string; question: string; answers: string[] }[];
};

/** Opens the playground on one backend with the given students (all of the manifest's by default). */
export async function openPlayground(
  page: Page,
  backend: 'wasm' | 'webgpu',
  students = manifest.students.map((s) => s.id),
  maxTokens?: number,
  threads?: number,
): Promise<void> {
  const limit = (maxTokens ? `&maxTokens=${maxTokens}` : '') + (threads ? `&threads=${threads}` : '');
  await page.goto(`/playground?backend=${backend}&students=${students.join(',')}${limit}`);
  await expect(page.getByRole('heading', { name: 'Playground' })).toBeVisible();
  const badges = page.getByTestId('backend-badge');
  await expect(badges).toHaveCount(students.length, { timeout: 60_000 });
  for (const badge of await badges.all()) await expect(badge).toHaveAttribute('data-backend', backend);
}

export async function answerAndCompare(page: Page, backend: 'wasm' | 'webgpu'): Promise<void> {
  const question = manifest.questions[0]!;
  await page.locator('#playground-pick').selectOption(question.id);
  await page.locator('#playground-run').click();
  await expect(page.getByTestId('playground-question')).toHaveText(question.question);
  const columns = page.getByTestId('playground-column');
  await expect(columns).toHaveCount(await page.getByTestId('backend-badge').count());
  // Steps stream in: the first column shows a step before the whole question is done.
  await expect(columns.first().getByTestId('playground-step').first()).toBeVisible();
  for (const column of await columns.all()) {
    await expect(column).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(column.getByTestId('playground-answer')).toBeVisible();
    await expect(column.getByTestId('stat-tps')).not.toHaveText('—');
    await expect(column.getByTestId('stat-ttft')).not.toHaveText('—');
  }

  // Same tokens as onnxruntime-node for the same prompts, step by step.
  const badges = page.getByTestId('backend-badge');
  for (const [i, column] of (await columns.all()).entries()) {
    const studentId = (await column.getAttribute('data-student'))!;
    const variant = (await badges.nth(i).getAttribute('data-variant'))!;
    expect(await badges.nth(i).getAttribute('data-backend')).toBe(backend);
    const node = await loadNodeStudent(join(DEMO_DIR, studentId), variantFile(variant));
    const steps = await column.getByTestId('playground-step').all();
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const prompt = await step.getByTestId('step-prompt').textContent();
      const idsText = (await step.getByTestId('step-token-ids').textContent()) ?? '';
      expect(prompt, 'every step shows its prompt').toBeTruthy();
      const browserIds = idsText.trim() === '' ? [] : idsText.trim().split(/\s+/).map(Number);
      const { ids: nodeIds } = await nodeGenerate(
        node,
        prompt!,
        JSON.parse((await step.getAttribute('data-stop'))!),
        Number(await step.getAttribute('data-max-tokens')),
      );
      expect(browserIds, `${studentId} step ${await step.getAttribute('data-step')} on ${backend}`).toEqual(
        nodeIds,
      );
    }
    await node.session.release();
  }
}
