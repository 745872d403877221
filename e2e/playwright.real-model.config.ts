import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The real pretrained model in the browser (`npm run test:real-model`): the same server and
// browser as the e2e suite, its own folder of slow tests.
export default defineConfig({ ...base, testDir: 'real-model', timeout: 1_200_000 });
