import { expect, test } from '@playwright/test';
import { screenshot, WEBGPU_CHROMIUM_ARGS } from './helpers';
import { answerAndCompare, openPlayground } from './playground-run';

// WebGPU on SwiftShader (Dawn's CPU adapter): a real WebGPU device on a page served from
// localhost, with no GPU in the machine. It checks the WebGPU path, not GPU speed.
test.use({
  baseURL: `http://localhost:${process.env.STEPER_E2E_PORT}`,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: WEBGPU_CHROMIUM_ARGS,
  },
});
test.describe.configure({ timeout: 300_000 });

test('the playground answers a synthetic-world question on WebGPU, token for token as onnxruntime-node', async ({
  page,
}) => {
  // WebGPU on SwiftShader costs milliseconds per kernel: one student and 12 new tokens a step keep
  // the question to about a minute; the WASM test runs both students in full.
  await openPlayground(page, 'webgpu', ['steper'], 12);
  const runtime = page.getByTestId('playground-runtime');
  await expect(runtime).toContainText('WebGPU');
  // SwiftShader has no shader-f16: the fp32 variant, and the adapter is named as software.
  await expect(runtime).toContainText('swiftshader');
  await expect(runtime).toContainText('shader-f16 no');
  await expect(page.getByTestId('playground-notices')).toHaveCount(0);
  await answerAndCompare(page, 'webgpu');
  await screenshot(page, 'playground-webgpu');
});
