import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

/** Debian's Chromium, headless, no GPU, nothing fetched in the background (the e2e tests' browser). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium with WebGPU on SwiftShader (Dawn's CPU adapter): a real WebGPU device on a page
 * served from localhost, with no GPU in the machine.
 */
export const WEBGPU_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'),
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

const SHOTS = join(import.meta.dirname, '..', '.out', 'screenshots');

/** Saves the view as a person sees it, for review (e2e/.out/screenshots, not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The id a step-wise example's question has: `${questionId}:${stage}:${step}`. */
export const questionOf = (exampleId: string): string => exampleId.split(':')[0]!;
