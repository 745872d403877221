import { defineProject } from 'vitest/config';

export default defineProject({
  // Components are rendered to static markup with react-dom/server: no DOM emulation needed.
  test: { name: 'web', include: ['test/**/*.test.ts?(x)'], environment: 'node' },
});
