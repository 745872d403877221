import { defineProject } from 'vitest/config';

// The real pretrained model's slow tests (`npm run test:real-model`): minutes of CPU generation each.
export default defineProject({
  test: {
    name: 'server-real-model',
    include: ['test-real-model/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
