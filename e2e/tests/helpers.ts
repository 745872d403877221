import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

const SHOTS = join(import.meta.dirname, '..', '.out', 'screenshots');

/** Saves the view as a person sees it, for review (e2e/.out/screenshots, not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The id a step-wise example's question has: `${questionId}:${stage}:${step}`. */
export const questionOf = (exampleId: string): string => exampleId.split(':')[0]!;
